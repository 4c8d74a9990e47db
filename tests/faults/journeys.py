"""Residents filing requests in a loop through an outage, and what they saw.

A journey is the resident's filing with a photo, up to "Request № … is filed", and the
new-request card reaching their building's manager (through the outbox). A step the bot
answers with "temporarily unavailable" (a message or a button's alert), or does not
answer in time, interrupts the journey; the lane starts a new one half a second later.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.i18n import get_translator
from sandbox.client import Message, PressResult, UserClient

UNAVAILABLE = get_translator()("en", "error-unavailable")
FILED = re.compile(r"Request №(\d{6}-\d{3,}) is filed")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
STEP_TIMEOUT = 10.0
CARD_TIMEOUT = 20.0


class Interrupted(Exception):
    """The bot said it is unavailable, or did not answer in time."""


@dataclass
class Run:
    """One journey: when it started, how it ended."""

    lane: int
    started: float
    ended: float = 0.0
    number: str | None = None
    interrupted: str | None = None
    at_step: str = ""


@dataclass
class Tally:
    runs: list[Run] = field(default_factory=list)
    unavailable_seen: list[tuple[int, float]] = field(default_factory=list)  # lane, when
    new_answered: list[float] = field(default_factory=list)  # when /new got its question
    alerts: list[str] = field(default_factory=list)  # texts of the answers to presses

    @property
    def completed(self) -> list[Run]:
        return [run for run in self.runs if run.number is not None]

    def interrupted_after(self, moment: float) -> list[Run]:
        return [r for r in self.runs if r.interrupted and r.started >= moment]


class Journey:
    def __init__(self, lane: int, resident: UserClient, manager: UserClient, tally: Tally) -> None:
        self.lane = lane
        self.resident = resident
        self.manager = manager
        self.tally = tally
        self.run = Run(lane, time.monotonic())

    async def _step(
        self, name: str, action: Callable[[], Awaitable[object]], answer: str | re.Pattern[str]
    ) -> Message:
        self.run.at_step = name
        pattern = re.compile(answer) if isinstance(answer, str) else answer
        try:
            result = await action()
            if isinstance(result, PressResult) and result.text:
                self.tally.alerts.append(result.text)
            if isinstance(result, PressResult) and UNAVAILABLE in (result.text or ""):
                self.tally.unavailable_seen.append((self.lane, time.monotonic()))
                raise Interrupted(f"{name}: alert {result.text!r}")
            message = await self.resident.expect(
                lambda m: bool(pattern.search(m.content)) or UNAVAILABLE in m.content,
                timeout=STEP_TIMEOUT,
            )
        except AssertionError as error:  # not answered in time
            raise Interrupted(f"{name}: {str(error)[:300]}") from error
        if UNAVAILABLE in message.content:
            self.tally.unavailable_seen.append((self.lane, time.monotonic()))
            raise Interrupted(f"{name}: message {message.content!r}")
        return message

    def _press(self, text: str) -> Callable[[], Awaitable[PressResult]]:
        return lambda: self.resident.press(text, timeout=STEP_TIMEOUT)

    async def file(self, description: str) -> str:
        r = self.resident
        first = await self._step(
            "/new", lambda: r.send_command("new"), "What is the problem about|unfinished request"
        )
        if "unfinished request" in first.content:  # an interrupted journey's draft
            await self._step("start over", self._press("Start over"), "What is the problem about")
        self.tally.new_answered.append(time.monotonic())
        await self._step("category", self._press("Plumbing"), "Where is the problem")
        await self._step("place", self._press("My apartment"), "Describe the problem")
        await self.describe_and_finish(description)
        assert self.run.number is not None
        return self.run.number

    async def describe_and_finish(self, description: str) -> None:
        """From the description step on (a draft kept across an outage resumes here)."""
        r = self.resident
        await self._step("description", lambda: r.send_text(description), "Add photos")
        await self._step("photo", lambda: r.send_photo(), "Files attached: 1 of")
        await self._step("photos done", self._press("Done"), "How urgent")
        await self._step("urgency", self._press("Normal"), "How can the specialist get in")
        await self._step("access", self._press("Any time"), "When is a visit convenient")
        await self._step("visit", self._press("Any time"), "Please check your request")
        reply = await self._step(
            "confirm", self._press("Confirm"), re.compile(f"{FILED.pattern}|similar")
        )
        if not FILED.search(reply.content):
            reply = await self._step("file anyway", self._press("File my request anyway"), FILED)
        found = FILED.search(reply.content)
        assert found is not None
        self.run.at_step = "manager's card"
        try:
            await self.manager.expect(found.group(1), timeout=CARD_TIMEOUT)
        except AssertionError as error:
            raise Interrupted(f"manager's card: {str(error)[:300]}") from error
        self.run.number = found.group(1)


async def lane_loop(
    lane: int, resident: UserClient, manager: UserClient, tally: Tally, stop: asyncio.Event
) -> None:
    """Journeys one after another until ``stop``; the journey under way is finished."""
    count = 0
    while not stop.is_set():
        count += 1
        journey = Journey(lane, resident, manager, tally)
        tally.runs.append(journey.run)
        try:
            await journey.file(f"Water under the sink, lane {lane + 1} journey {count}.")
        except Interrupted as error:
            journey.run.interrupted = str(error)
            await asyncio.sleep(0.5)
        finally:
            journey.run.ended = time.monotonic()


async def probe_recovery(
    resident: UserClient,
    since: float,
    timeout: float = 30.0,  # noqa: ASYNC109
) -> float:
    """Sends /new every half second until it gets its question; returns the seconds from
    ``since`` to that answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await resident.send_command("new")
        try:
            message = await resident.expect(
                lambda m: any(
                    text in m.content
                    for text in ("What is the problem about", "unfinished request", UNAVAILABLE)
                ),
                timeout=min(STEP_TIMEOUT, max(0.1, deadline - time.monotonic())),
            )
        except AssertionError:
            continue
        if UNAVAILABLE not in message.content:
            return time.monotonic() - since
        await asyncio.sleep(0.5)
    raise AssertionError(f"/new was not answered within {timeout} s after the restart")


async def foreign_texts(users: list[UserClient]) -> list[str]:
    """Bot messages in Russian (the bot's default language) in the users' chats."""
    found = []
    for user in users:
        for message in await user.messages():
            if message.from_bot and CYRILLIC.search(message.content):
                found.append(f"{user.id}: {message.content[:120]}")
    return found
