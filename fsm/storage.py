"""FSM storage and event isolation: Redis when configured, memory otherwise."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast
from uuid import uuid4

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseEventIsolation,
    BaseStorage,
    DefaultKeyBuilder,
    StateType,
    StorageKey,
)
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from storage.outages import is_outage
from storage.repositories.inbox import Claim, UpdateTakenOver, current_claim

log = logging.getLogger(__name__)


class LocalEventIsolation(BaseEventIsolation):
    """First-come-first-served lock per user in this process; a lock is dropped as soon
    as nobody holds or waits for it, so memory does not grow with the number of users
    (aiogram's SimpleEventIsolation keeps every lock forever)."""

    def __init__(self) -> None:
        self._locks: dict[StorageKey, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def held_keys(self) -> int:
        # Not __len__: aiogram tests `events_isolation or DisabledEventIsolation()`, and an
        # empty container would be falsy and switch isolation off.
        return len(self._locks)

    async def close(self) -> None:
        # Nothing to free: entries leave with their last holder. aiogram closes the FSM
        # when polling stops, while updates may still be handled; clearing here made
        # their release fail.
        return


LOCK_TIMEOUT = timedelta(seconds=5)
"""The lease of a user's lock: renewed every ``LOCK_RENEW_EVERY`` while the update runs,
so it lapses this long after its holder stopped renewing (a process that died while
handling an update frees the user within ``LOCK_TIMEOUT`` of its death)."""

LOCK_RENEW_EVERY = 1.0
"""Seconds between renewals of a held lock's lease (a fifth of it: four renewals in a row
may be late or lost before the lease ends)."""

LOCK_RETRY = 0.05
"""Seconds between attempts to take a lock another process holds."""

# KEYS: lock, state, data. ARGV: token, lock ttl (ms).
# Takes the user's lock and, only when it got it, reads their state and data. A retry
# of a call whose answer was lost finds the lock already its own.
_ACQUIRE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
   or redis.call('GET', KEYS[1]) == ARGV[1] then
  return {1, redis.call('GET', KEYS[2]), redis.call('GET', KEYS[3])}
end
return {0}
"""

# KEYS: lock. ARGV: token, lock ttl (ms). Extends the lock while it is still ours.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

# KEYS: lock, state, data. ARGV: token, then for state and for data each:
# operation ('' keep, 'set', 'del'), value, ttl in ms (0: none).
# While the lock is still ours: writes what the update changed and frees it (1). A lock
# that expired meanwhile (another update of the user may have run since) changes
# nothing (0): the newer update's state stands.
_RELEASE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
for i = 0, 1 do
  local op, value, ttl = ARGV[2 + i * 3], ARGV[3 + i * 3], tonumber(ARGV[4 + i * 3])
  if op == 'set' and ttl > 0 then
    redis.call('SET', KEYS[2 + i], value, 'PX', ttl)
  elseif op == 'set' then
    redis.call('SET', KEYS[2 + i], value)
  elseif op == 'del' then
    redis.call('DEL', KEYS[2 + i])
  end
end
if KEYS[4] then
  redis.call('SET', KEYS[4], '1', 'PX', ARGV[8])
end
redis.call('DEL', KEYS[1])
return 1
"""

APPLIED_KEEP = timedelta(hours=1)
"""How long the mark that an update's conversation changes were written is kept: an
update is handled again within seconds of its process's death, or not at all."""


def applied_key(claim: Claim) -> str:
    return f"ukbot:applied:{claim.bot_id}:{claim.update_id}"


@dataclass(slots=True)
class _Scope:
    """A user's FSM keys while their update holds the lock (raw Redis values)."""

    token: str
    state: str | None
    data: str | bytes | None
    state_changed: bool = False
    data_changed: bool = False


def _ttl_ms(ttl: int | timedelta | None) -> int:
    if ttl is None:
        return 0
    return int((ttl.total_seconds() if isinstance(ttl, timedelta) else ttl) * 1000)


class _LockKeeper:
    """Renews a held lock's lease every ``every`` seconds while a (slow) update runs;
    almost every update ends long before the first renewal, which then never happens.
    A renewal that fails (Redis unreachable for a moment) is retried at the next one."""

    def __init__(
        self,
        renew: Any,
        lock_key: str,
        token: str,
        timeout: timedelta,
        running: set[asyncio.Task[Any]],
        every: float = LOCK_RENEW_EVERY,
    ) -> None:
        self._renew_script = renew
        self._args = {"keys": [lock_key], "args": [token, _ttl_ms(timeout)]}
        self._running = running  # kept referenced until done
        self._every = min(every, timeout.total_seconds() / 3)
        self._loop = asyncio.get_running_loop()
        self._handle = self._loop.call_later(self._every, self._renew)

    def _renew(self) -> None:
        task = self._loop.create_task(self._renew_script(**self._args))
        self._running.add(task)
        task.add_done_callback(self._renewed)
        self._handle = self._loop.call_later(self._every, self._renew)

    def _renewed(self, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        if task.cancelled():
            return
        if task.exception() is not None:
            log.debug("lock renewal failed", exc_info=task.exception())
        elif not task.result():
            # The lease lapsed (the event loop stalled longer than it): another update
            # of the user may run now; this one's conversation changes will be dropped.
            log.warning("a conversation lock lapsed while its update was running")

    def cancel(self) -> None:
        self._handle.cancel()


class UpdateScopedRedisStorage(RedisStorage):
    """aiogram's ``RedisStorage`` with two Redis round trips per update.

    aiogram takes a user's lock, reads their state, the handler reads their data and
    writes state and data, and the lock is freed: five commands or more. Here the lock
    is taken together with a read of state and data (one script), the update works on
    that copy, and what it changed is written together with the freeing of the lock
    (one script). No other update of the user, in any process, runs in between, so none
    of them can tell the difference. Outside an update (another user's keys, background
    work) it is plain ``RedisStorage``.

    **The lock is a short lease** (``LOCK_TIMEOUT``, 5 s) renewed every second while the
    update runs, so a process that dies (SIGKILL, OOM, power) stops blocking its users
    within 5 s, whoever restarts and wherever. Locks tagged with their owner and
    released by it at start were the alternative; they free the user only when *that*
    instance comes back, and with several processes and restarts elsewhere an owner's
    death has to be detected anyway, which is what a lease does. A handler may take
    minutes (a slow geocoder or model): the renewals keep its lock for as long as the
    process is alive.

    The cost is an event-loop stall longer than the lease (about 4 s past the last
    renewal): the lease lapses while the update still runs, and the user's next update,
    in another process, may start before it ends. Such an update is fenced: its release
    finds another token and writes none of its conversation changes (the newer update's
    state stands, an error is logged), and what it does in Postgres is checked by the
    domain's own rules (transitions re-read the request under a row lock, so an action
    already taken is refused, not repeated). Ordering between two updates of the user is
    then the only thing lost, and only while the loop is stalled for seconds, which is a
    fault of its own (the update would be answered late in any case).

    **Changes of an update that failed because Postgres or Redis was unreachable are not
    written** (``storage.outages.is_outage``): its unit of work rolled back, so the
    person retries from the same step and nothing is half-written. Changes made before
    any other error are kept, as before (a refused action, ``DomainError``, is answered
    inside the handlers and is no failure at all).
    """

    def __init__(
        self, redis: Redis, *, lock_timeout: timedelta = LOCK_TIMEOUT, **kwargs: Any
    ) -> None:
        super().__init__(redis, **kwargs)
        self.lock_timeout = lock_timeout
        self._scopes: dict[StorageKey, _Scope] = {}
        self._acquire = redis.register_script(_ACQUIRE)
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)
        self._renewals: set[asyncio.Task[Any]] = set()

    @asynccontextmanager
    async def update_scope(self, key: StorageKey) -> AsyncIterator[None]:
        """Hold the user's lock for one update, with their state and data at hand."""
        keys = [self.key_builder.build(key, part) for part in ("lock", "state", "data")]
        token = uuid4().hex
        while True:
            taken = await self._acquire(keys=keys, args=[token, _ttl_ms(self.lock_timeout)])
            if taken[0]:
                break
            await asyncio.sleep(LOCK_RETRY)  # another process handles this user's update
        state = taken[1].decode("utf-8") if isinstance(taken[1], bytes) else taken[1]
        scope = self._scopes[key] = _Scope(token, state, taken[2])
        keeper = _LockKeeper(self._renew, keys[0], token, self.lock_timeout, self._renewals)
        keep_changes = True
        try:
            yield
        except Exception as error:
            # nothing of an update whose attempt another one took over may stand
            keep_changes = not (is_outage(error) or isinstance(error, UpdateTakenOver))
            raise
        finally:
            keeper.cancel()
            del self._scopes[key]
            # Shielded: a second cancellation (shutdown) must not drop the update's changes.
            await asyncio.shield(self._write_and_release(keys, scope, keep_changes))

    async def _write_and_release(
        self, keys: list[str], scope: _Scope, keep_changes: bool = True
    ) -> None:
        args: list[str | bytes | int] = [scope.token]
        for changed, value, ttl in (
            (scope.state_changed, scope.state, self.state_ttl),
            (scope.data_changed, scope.data, self.data_ttl),
        ):
            if not changed or not keep_changes:
                args += ["", "", 0]
            elif value is None:
                args += ["del", "", 0]
            else:
                args += ["set", value, _ttl_ms(ttl)]
        claim = current_claim.get()
        if claim is not None and keep_changes:
            # Written with the changes: an update whose process died before it was
            # recorded as handled in Postgres is known to be done (``applied``).
            keys = [*keys, applied_key(claim)]
            args.append(_ttl_ms(APPLIED_KEEP))
        if not await self._release(keys=keys, args=args):
            log.error(
                "a conversation lock expired before its update ended; its changes are dropped",
                extra={"key": keys[0]},
            )

    async def get_state(self, key: StorageKey) -> str | None:
        scope = self._scopes.get(key)
        return await super().get_state(key) if scope is None else scope.state

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        scope = self._scopes.get(key)
        if scope is None:
            return await super().get_data(key)
        if scope.data is None:
            return {}
        # parsed on every read, as Redis's answer was: callers may change what they get
        return cast(dict[str, Any], self.json_loads(scope.data))

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        scope = self._scopes.get(key)
        if scope is None:
            await super().set_state(key, state)
            return
        scope.state = state.state if isinstance(state, State) else state
        scope.state_changed = True

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        scope = self._scopes.get(key)
        if scope is None:
            await super().set_data(key, data)
            return
        if not isinstance(data, dict):
            raise DataNotDictLikeError(
                f"Data must be a dict or dict-like object, got {type(data).__name__}"
            )
        scope.data = self.json_dumps(data) if data else None
        scope.data_changed = True


class OrderedEventIsolation(BaseEventIsolation):
    """One user's updates run one at a time AND in the order they arrived.

    The Redis lock keeps two processes apart but wakes waiters in no particular order,
    so a "Done" press could overtake the last photo of an album. A first-come-first-served
    asyncio lock per user inside this process restores the order before the Redis lock.
    """

    def __init__(self, storage: UpdateScopedRedisStorage) -> None:
        self.local = LocalEventIsolation()
        self.storage = storage

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        async with self.local.lock(key), self.storage.update_scope(key):
            yield

    async def close(self) -> None:
        await self.local.close()


@dataclass(slots=True)
class FsmBackend:
    storage: BaseStorage
    events_isolation: BaseEventIsolation
    redis: Redis | None

    async def applied(self, claim: Claim) -> bool:
        """Whether the update's handling finished and its conversation changes were
        written (Redis only; in memory they died with the process anyway)."""
        return self.redis is not None and bool(await self.redis.exists(applied_key(claim)))

    async def close(self) -> None:
        await self.storage.close()
        await self.events_isolation.close()


REDIS_RETRIES = 2
REDIS_TIMEOUT = 3.0
"""Seconds to connect to Redis or to wait for its answer."""


def build_fsm_backend(redis_url: str | None, *, state_ttl: timedelta) -> FsmBackend:
    if not redis_url:
        log.warning(
            "UKBOT_REDIS_URL is not set: conversation state is kept in memory, "
            "so unfinished drafts are lost on restart and only one bot process may run"
        )
        return FsmBackend(MemoryStorage(), LocalEventIsolation(), None)
    redis = Redis.from_url(
        redis_url,
        # A connection Redis dropped (a restart) is retried at once on a new one; an
        # unreachable Redis fails the update within seconds ("try again in a minute").
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.1), REDIS_RETRIES),
        socket_connect_timeout=REDIS_TIMEOUT,
        socket_timeout=REDIS_TIMEOUT,
    )
    # with_destiny keeps separate FSM scopes apart; isolation serialises one user's updates.
    key_builder = DefaultKeyBuilder(with_destiny=True)
    storage = UpdateScopedRedisStorage(
        redis, key_builder=key_builder, state_ttl=state_ttl, data_ttl=state_ttl
    )
    return FsmBackend(storage, OrderedEventIsolation(storage), redis)
