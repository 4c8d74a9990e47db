"""The simulated users: lanes that run journeys in a loop, every step driven like the
end-to-end tests (``sandbox.client``: act, then wait event-driven for the bot's answer).

A step's latency runs from the user's action to the bot message that completes it;
a button press also has to be answered (answerCallbackQuery) or it counts as an
unanswered press. ``notify`` steps are messages the bot pushes to another person
(through the outbox): measured from the action that caused them.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.recorder import Pacer, Recorder
from bench.world import People
from sandbox.client import EmulatorClient, EmulatorError, Matcher, Message, UserClient

FILED = re.compile(r"Request №(\d{6}-\d{3,}) is filed")
STEP_TIMEOUT = 15.0
NOTIFY_TIMEOUT = 30.0
FAILURE_PAUSE = 1.0


class JourneyFailed(Exception):
    pass


@dataclass
class ExecutorPool:
    """Executors shared by the lanes; a journey holds one from assignment to the end."""

    clients: dict[int, UserClient]
    free: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.free = set(self.clients)

    def claim(self, executor_id: int) -> UserClient | None:
        if executor_id in self.free:
            self.free.discard(executor_id)
            return self.clients[executor_id]
        return None

    def release(self, executor_id: int) -> None:
        self.free.add(executor_id)


@dataclass
class Lane:
    index: int
    resident: UserClient
    manager: UserClient
    executor: UserClient | None = None  # the bare exchange's own executor


@dataclass
class Context:
    emu: EmulatorClient
    rec: Recorder
    pacer: Pacer | None
    stop: asyncio.Event
    step_timeout: float = STEP_TIMEOUT


class Journey:
    """One run of a lane through its script; ``step``/``notify`` record each step."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.updates = 0
        self.last_action = time.monotonic()

    async def step(
        self,
        name: str,
        action: Callable[[], Awaitable[Any]],
        user: UserClient,
        answer: Matcher,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> Message:
        """Act (one update to the bot), then wait for the bot's answer matching ``answer``."""
        rec = self.ctx.rec
        if self.ctx.pacer is not None:
            await self.ctx.pacer.acquire()
        started = time.monotonic()
        self.last_action = started
        try:
            try:
                await action()
            finally:
                self.updates += 1
                rec.update_sent(started)
            message = await user.expect(answer, timeout=timeout or self.ctx.step_timeout)
        except AssertionError as error:
            rec.step_failed(name, error, unanswered="never answered" in str(error))
            raise JourneyFailed(name) from error
        except (EmulatorError, aiohttp.ClientError, TimeoutError) as error:
            rec.step_failed(name, error)
            raise JourneyFailed(name) from error
        rec.step_done(name, "action", started, time.monotonic() - started)
        return message

    async def notify(
        self, name: str, user: UserClient, answer: Matcher, *, since: float | None = None
    ) -> Message:
        """Wait for a message the bot pushes to ``user`` after the last action."""
        rec = self.ctx.rec
        started = self.last_action if since is None else since
        try:
            message = await user.expect(answer, timeout=NOTIFY_TIMEOUT)
        except (AssertionError, EmulatorError, aiohttp.ClientError, TimeoutError) as error:
            rec.step_failed(name, error)
            raise JourneyFailed(name) from error
        rec.step_done(name, "notify", started, time.monotonic() - started)
        return message

    def press(
        self,
        user: UserClient,
        text: str | None = None,
        *,
        data: str | None = None,
        message: Message | None = None,
    ) -> Callable[[], Awaitable[Any]]:
        return lambda: user.press(text, data=data, message=message, timeout=self.ctx.step_timeout)


# --------------------------------------------------------------------------- full stack


def _edited_with(*parts: str) -> Callable[[Message], bool]:
    return lambda m: all(p in m.content for p in parts)


async def full_journey(ctx: Context, lane: Lane, pool: ExecutorPool) -> None:
    """Resident files with one photo → manager assigns → executor accepts, starts,
    completes with a photo → resident accepts and rates (the full-loop e2e test)."""
    j = Journey(ctx)
    began = time.monotonic()
    r, m = lane.resident, lane.manager
    await j.step("R01 /new", lambda: r.send_command("new"), r, "What is the problem about")
    await j.step("R02 category", j.press(r, "Plumbing"), r, "Where is the problem")
    await j.step("R03 place", j.press(r, "My apartment"), r, "Describe the problem")
    await j.step(
        "R04 description",
        lambda: r.send_text("Water is leaking under the kitchen sink."),
        r,
        "Add photos",
    )
    await j.step("R05 photo", lambda: r.send_photo(), r, "Files attached: 1 of")
    await j.step("R06 photos done", j.press(r, "Done"), r, "How urgent")
    await j.step("R07 urgency", j.press(r, "Normal"), r, "How can the specialist get in")
    await j.step("R08 access", j.press(r, "Any time"), r, "When is a visit convenient")
    await j.step("R09 visit time", j.press(r, "Any time"), r, "Please check your request")
    reply = await j.step(
        "R10 confirm",
        j.press(r, "Confirm"),
        r,
        lambda msg: bool(FILED.search(msg.content)) or "similar" in msg.content,
    )
    if not FILED.search(reply.content):
        reply = await j.step("R10b file anyway", j.press(r, "File my request anyway"), r, FILED)
    found = FILED.search(reply.content)
    assert found is not None
    number = found.group(1)

    card = await j.notify("M00 new-request card (notify)", m, number)
    await j.step("M01 open card", j.press(m, "📂 Open", message=card), m, f"📄 Request {number}")
    picker = await j.step(
        "M02 assign", j.press(m, "👷 Assign"), m, f"Executor for request {number}"
    )
    executor_id, executor = await _pick(j, m, picker, number, pool)
    try:
        await _executor_part(j, lane, executor, number)
    finally:
        pool.release(executor_id)
    ctx.rec.journey_done(began, j.updates)


async def _pick(
    j: Journey, m: UserClient, picker: Message, number: str, pool: ExecutorPool
) -> tuple[int, UserClient]:
    """Press the first free executor of the picker, turning pages when needed (and
    back to the first page: the ranking moves while other lanes assign and close)."""
    turns = 0
    forward = True
    while True:
        pages: dict[bool, str] = {}  # True: the next page's button, False: the previous one
        current = re.search(r"page (\d+) of", picker.content)
        shown = int(current.group(1)) - 1 if current else 0
        for _text, data in (b for row in picker.inline_buttons for b in row):
            if not data:
                continue
            if data.startswith("dpk:"):
                executor_id = int(data.rsplit(":", 1)[1])
                executor = pool.claim(executor_id)
                if executor is None:
                    continue
                try:
                    await j.step(
                        "M03 pick executor",
                        j.press(m, data=data, message=picker),
                        m,
                        _edited_with(f"Request {number}", executor.first_name),
                    )
                except BaseException:
                    pool.release(executor_id)
                    raise
                return executor_id, executor
            if data.startswith("dpp:"):
                pages[int(data.rsplit(":", 1)[1]) > shown] = data
        if forward not in pages:
            forward = not forward
        turns += 1
        if forward not in pages or turns > 12:
            j.ctx.rec.step_failed("M03 pick executor", RuntimeError("no free executor listed"))
            raise JourneyFailed("M03 pick executor")
        nxt = pages[forward]
        picker = await j.step(
            "M02b picker next page",
            j.press(m, data=nxt, message=picker),
            m,
            _edited_with(f"Executor for request {number}"),
        )


async def _executor_part(j: Journey, lane: Lane, e: UserClient, number: str) -> None:
    r = lane.resident
    job = await j.notify("E00 job card (notify)", e, f"Request {number} is assigned to you")
    await j.step("E01 accept", j.press(e, "✅ Accept", message=job), e, f"🛠 Job {number}")
    await j.step("E02 start", j.press(e, "▶️ Start"), e, "Are you on your way")
    await j.step("E03 eta", j.press(e, "🚗 30 min"), e, "Status: In progress")
    await j.step("E04 complete", j.press(e, "✅ Complete"), e, 'Send "after" photos')
    await j.step("E05 after photo", lambda: e.send_photo(), e, "Photo received")
    await j.step("E06 photos done", j.press(e, "✅ Done"), e, f"One file attached to job {number}")
    await j.step(
        "E07 comment", lambda: e.send_text("Replaced the siphon"), e, f"Job {number} is completed"
    )
    done = await j.notify("R11 done (notify)", r, f"Request {number} is done")
    await j.step("R12 accept", j.press(r, "✅ Accept", message=done), r, "How do you rate")
    await j.step("R13 rate", j.press(r, "5 ⭐"), r, "Your rating: 5 ⭐")
    await j.step(
        "R14 feedback",
        lambda: r.send_text("Quick and clean"),
        r,
        f"Request {number} is closed with your rating of 5",
    )
    # the executor hears about the rating before the next job can be theirs
    await j.notify("E08 rating (notify)", e, f"accepted request {number} with a rating of 5")


# --------------------------------------------------------------------------- bare exchange


async def bare_journey(ctx: Context, lane: Lane) -> None:
    """The same number and kinds of updates against ``bench.bare_bot``: texts and a
    photo answered with messages and keyboards, presses answered and edited in place,
    and the same hand-overs (the bot messages the next person directly)."""
    j = Journey(ctx)
    began = time.monotonic()
    r, m = lane.resident, lane.manager
    e = lane.executor
    assert e is not None
    await j.step("R01 /new", lambda: r.send_command("new"), r, "What is the problem about")
    await j.step("R02 category", j.press(r, "Plumbing"), r, "Where is the problem")
    await j.step("R03 place", j.press(r, "My apartment"), r, "Describe the problem")
    await j.step("R04 description", lambda: r.send_text("desc: Water is leaking."), r, "Add photos")
    await j.step("R05 photo", lambda: r.send_photo(), r, "Files attached: 1 of")
    await j.step("R06 photos done", j.press(r, "Done"), r, "How urgent")
    await j.step("R07 urgency", j.press(r, "Normal"), r, "How can the specialist get in")
    await j.step("R08 access", j.press(r, "Any time"), r, "When is a visit convenient")
    await j.step("R09 visit time", j.press(r, "Any time"), r, "Please check your request")
    reply = await j.step("R10 confirm", j.press(r, "Confirm"), r, FILED)
    found = FILED.search(reply.content)
    assert found is not None
    number = found.group(1)
    card = await j.notify("M00 new-request card (notify)", m, number)
    await j.step("M01 open card", j.press(m, "📂 Open", message=card), m, f"📄 Request {number}")
    picker = await j.step(
        "M02 assign", j.press(m, "👷 Assign"), m, f"Executor for request {number}"
    )
    await j.step(
        "M03 pick executor",
        j.press(m, "1. ", message=picker),
        m,
        _edited_with(f"Request {number}", "Assigned"),
    )
    job = await j.notify("E00 job card (notify)", e, f"Request {number} is assigned to you")
    await j.step("E01 accept", j.press(e, "✅ Accept", message=job), e, f"🛠 Job {number}")
    await j.step("E02 start", j.press(e, "▶️ Start"), e, "Are you on your way")
    await j.step("E03 eta", j.press(e, "🚗 30 min"), e, "Status: In progress")
    await j.step("E04 complete", j.press(e, "✅ Complete"), e, 'Send "after" photos')
    await j.step("E05 after photo", lambda: e.send_photo(), e, "Photo received")
    await j.step("E06 photos done", j.press(e, "✅ Done"), e, f"One file attached to job {number}")
    await j.step(
        "E07 comment", lambda: e.send_text("comment: Replaced"), e, f"Job {number} is completed"
    )
    done = await j.notify("R11 done (notify)", r, f"Request {number} is done")
    await j.step("R12 accept", j.press(r, "✅ Accept", message=done), r, "How do you rate")
    await j.step("R13 rate", j.press(r, "5 ⭐"), r, "Your rating: 5 ⭐")
    await j.step(
        "R14 feedback",
        lambda: r.send_text("feedback: Quick"),
        r,
        f"Request {number} is closed with your rating of 5",
    )
    await j.notify("E08 rating (notify)", e, f"accepted request {number} with a rating of 5")
    ctx.rec.journey_done(began, j.updates)


# --------------------------------------------------------------------------- lanes


async def run_lane(ctx: Context, journey: Callable[[], Awaitable[None]]) -> None:
    """Journeys back to back until told to stop (the one in flight is finished)."""
    while not ctx.stop.is_set():
        try:
            await journey()
        except JourneyFailed:
            ctx.rec.journey_failed()
            await asyncio.sleep(FAILURE_PAUSE)


async def make_lanes(emu: EmulatorClient, people: People, *, bare: bool) -> list[Lane]:
    lanes = []
    for lane in range(people.lanes):
        resident = await emu.create_user(
            f"Resident{lane + 1}", language_code="en", user_id=people.resident(lane), started=True
        )
        manager_id = people.bare_manager(lane) if bare else people.manager(lane)
        manager = await emu.create_user(
            f"Manager{lane + 1}", language_code="en", user_id=manager_id, started=True
        )
        executor = None
        if bare:
            executor = await emu.create_user(
                f"Exec{lane + 1:03d}",
                language_code="en",
                user_id=people.bare_executor(lane),
                started=True,
            )
        lanes.append(Lane(lane, resident, manager, executor))
    return lanes


async def make_pool(emu: EmulatorClient, people: People) -> ExecutorPool:
    clients = {}
    for index in range(people.executors):
        clients[people.executor(index)] = await emu.create_user(
            people.executor_name(index),
            language_code="en",
            user_id=people.executor(index),
            started=True,
        )
    return ExecutorPool(clients)
