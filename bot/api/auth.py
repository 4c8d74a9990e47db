"""API tokens (HS256 JWTs, pyjwt) and the per-client rate limit."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

import jwt

from bot.settings import Settings
from domain.services.api_clients import ApiClient, ApiScope

log = logging.getLogger(__name__)

ALGORITHM = "HS256"
LEEWAY = 30
"""Seconds of clock difference tolerated between the client, this process and others."""


class TokenRefused(Exception):
    """A token that is missing, forged, expired or not for us; ``str`` says which."""


@dataclass(frozen=True, slots=True)
class Grant:
    client_id: int
    scopes: frozenset[ApiScope]


class Tokens:
    def __init__(
        self,
        secret: str,
        *,
        issuer: str,
        audience: str,
        ttl: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``clock`` stamps issued tokens; pyjwt checks received ones on the real clock."""
        self._key = secret
        self.issuer = issuer
        self.audience = audience
        self.ttl = ttl
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: Settings) -> Tokens:
        if settings.api_jwt_secret is not None:
            secret = settings.api_jwt_secret.get_secret_value()
        else:
            secret = secrets.token_urlsafe(32)
            log.warning(
                "UKBOT_API_JWT_SECRET is not set: API tokens are signed with a random key of "
                "this process and stop working when it restarts"
            )
        return cls(
            secret,
            issuer=settings.api_jwt_issuer,
            audience=settings.api_jwt_audience,
            ttl=settings.api_token_ttl,
        )

    def issue(self, client: ApiClient) -> str:
        now = int(self._clock())
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(client.id),
            "iat": now,
            "nbf": now,
            "exp": now + self.ttl,
            "scope": " ".join(sorted(client.scopes)),
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def verify(self, token: str) -> Grant:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],  # never what the token's header names ("none" …)
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY,
                options={"require": ["exp", "iat", "sub", "aud", "iss", "scope"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise TokenRefused("the token has expired") from error
        except jwt.ImmatureSignatureError as error:
            raise TokenRefused("the token is issued in the future") from error
        except jwt.InvalidAudienceError as error:
            raise TokenRefused("the token is not for this API (audience)") from error
        except jwt.InvalidIssuerError as error:
            raise TokenRefused("the token was not issued here (issuer)") from error
        except jwt.InvalidTokenError as error:
            raise TokenRefused("the token is not valid") from error
        sub = claims["sub"]
        if not isinstance(sub, str) or not sub.isdigit() or not isinstance(claims["scope"], str):
            raise TokenRefused("the token is not valid")
        scopes = frozenset(
            ApiScope(s) for s in claims["scope"].split() if s in ApiScope._value2member_map_
        )
        return Grant(int(sub), scopes)


class ClientRateLimit:
    """A token bucket per API client, in this process: ``per_minute`` on average, bursts
    of ``burst``. Several instances each allow that much (documented in README)."""

    LIMIT = 100_000

    def __init__(
        self, per_minute: float, burst: int, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._monotonic = monotonic
        self._buckets: dict[int, tuple[float, float]] = {}

    def take(self, client_id: int) -> float:
        """0 when the call may go ahead, else the seconds until it may."""
        now = self._monotonic()
        tokens, at = self._buckets.get(client_id, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens < 1.0:
            self._buckets[client_id] = (tokens, now)
            return (1.0 - tokens) / self.rate
        if len(self._buckets) >= self.LIMIT:
            self._buckets.clear()
        self._buckets[client_id] = (tokens - 1.0, now)
        return 0.0
