"""No dead buttons: from every entry of a role's reply-keyboard main menu, walk every
inline button reachable (breadth first, a few levels deep) and check that each press
is answered, never with the generic error or an "outdated button" for a button the
bot has just shown, and that the bot never posts the generic error in the chat.

The walk presses each button on the message where it appears (by its callback data,
so identical labels are unambiguous; URL buttons are skipped). A button is visited
once per kind: (screen, data, label) with numbers and draft tokens blanked, so two
requests in the same state share their card's buttons while a card in another state,
or a list entry in another state, is walked on its own. When a button's message has
moved on (edited by an earlier press), the screen is reached again from the menu
entry in a fresh conversation (no pending text step) by replaying the presses that
led to it, on another request of the same kind if an earlier press used this one up.
A press that opens a text prompt is fine: the walk goes on with other buttons.
Destructive actions act on the test's own data; run with ``-s`` to see the coverage.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.dialects.postgresql import insert

from bot.i18n import get_translator
from domain.enums import (
    Action,
    Category,
    Language,
    ResidencyKind,
    Role,
    Urgency,
    VerificationState,
)
from domain.services import incidents
from domain.services.announcements import AnnouncementKind, Draft, send_announcement
from fsm.announcements import AnnounceInput
from handlers.common.keyboards import COMMON_MENU, RESIDENT_MENU, ROLE_MENUS
from handlers.manager.announcements import send_preview
from handlers.manager.announcements_views import DRAFT, draft_data
from sandbox.client import Message, UserClient
from storage.models import Entrance, ResidentApartment, User
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import make_staff
from tests.e2e.tracking_helpers import (
    Cast,
    drive,
    insert_request,
    make_cast,
    make_resident,
    to_completed,
    to_in_progress,
)

MAX_PRESSES = 150  # buttons explored per role
MAX_DEPTH = 4  # presses from the menu entry
TIME_BUDGET = 25.0  # seconds per role, a safety net for the cap above

_T = get_translator()
GENERIC = frozenset(_T(lang.value, "error-generic") for lang in Language)
OUTDATED = frozenset(_T(lang.value, "callback-outdated") for lang in Language)


def _menu_texts(keys: tuple[str, ...]) -> list[str]:
    return [_T(Language.EN.value, key) for key in keys]


def _screen(message: Message) -> str:
    """The kind of screen a message shows: its first line."""
    first = (message.content or "").strip().splitlines()
    return first[0][:48] if first else f"<{message!r}>"


def _kind(text: str) -> str:
    """Text with its numbers blanked: two requests' cards (or their same buttons) are one
    kind, while a card's other buttons, or a list entry in another state, are not."""
    return re.sub(r"\b[0-9a-f]{8}\b|\d+", "#", text)  # numbers and draft tokens


_SAFE = re.compile(r"◀️|⬅️|✖️|\bBack\b|\bCancel\b|\bNo\b|Never mind", re.IGNORECASE)


def _safe_first(buttons: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A screen's buttons, the ones that go back or cancel first: pressed before a sibling
    that acts (and may use the request up), they still find their screen."""
    return sorted(buttons, key=lambda button: not _SAFE.search(button[0]))


def _callbacks(message: Message) -> list[tuple[str, str]]:
    """(label, callback data) of the message's callback buttons (URL buttons skipped)."""
    return [(b["text"], str(b["callback_data"])) for b in message.buttons if "callback_data" in b]


Screen = dict[int, Message]  # the bot's messages in the chat, by id


def _state_of(message: Message) -> tuple[str, tuple[tuple[str, str], ...]]:
    return (message.content or "", tuple(_callbacks(message)))


def _has_generic(text: str | None) -> bool:
    return text is not None and any(generic in text for generic in GENERIC)


def _is_outdated(text: str | None) -> bool:
    return bool(text) and text in OUTDATED


def _changed(before: Screen, after: Screen) -> list[Message]:
    """Bot messages posted or changed between two views of the chat, oldest first."""
    return [
        message
        for message_id, message in sorted(after.items())
        if message_id not in before or _state_of(before[message_id]) != _state_of(message)
    ]


def _find(chat: Screen, data: str, message_id: int | None = None) -> Message | None:
    """The message showing a button with ``data``: ``message_id``, else the latest."""
    candidates = [m for _, m in sorted(chat.items()) if any(d == data for _, d in _callbacks(m))]
    if message_id is not None:
        return next((m for m in candidates if m.message_id == message_id), None)
    return candidates[-1] if candidates else None


def _find_like(chat: Screen, data: str, label: str) -> tuple[Message, str] | None:
    """The latest message with the button (``data`` and a label of the same kind), else
    with a button of the same kind (another request in the same state, when an earlier
    press used this one up), else with ``data`` under another label."""
    kind = (_kind(data), _kind(label))
    same_kind = [
        (message, other, other == data)
        for _, message in sorted(chat.items(), reverse=True)
        for text, other in _callbacks(message)
        if (_kind(other), _kind(text)) == kind
    ]
    if same_kind:
        message, other, _ = min(same_kind, key=lambda found: not found[2])
        return message, other
    exact = _find(chat, data)
    return (exact, data) if exact is not None else None


@dataclass(frozen=True)
class Item:
    root: str
    path: tuple[tuple[str, str], ...]  # (data, label) pressed from the menu entry to the screen
    message_id: int
    screen: str
    label: str
    data: str


@dataclass
class Walker:
    user: UserClient
    role: str
    presses: int = 0  # buttons explored
    replay_presses: int = 0  # presses spent reaching a screen again
    per_root: Counter[str] = field(default_factory=Counter)
    visited: set[tuple[str, str, str]] = field(default_factory=set)
    queue: deque[Item] = field(default_factory=deque)
    defects: list[str] = field(default_factory=list)
    unreachable: list[Item] = field(default_factory=list)
    fsm_prompts: list[str] = field(default_factory=list)
    pressed: list[str] = field(default_factory=list)  # callback data, in order
    only: tuple[str, ...] = ()  # when set: only buttons whose data starts with one of these
    skip: tuple[str, ...] = ()  # buttons another walk covers (data prefixes)
    reset: Callable[[], Awaitable[None]] | None = None  # a fresh conversation (no FSM step)
    prepared: dict[str, Callable[[], Awaitable[None]]] = field(default_factory=dict)
    """Roots that are not a text to send: a screen only reached by typing (the preview of an
    announcement), shown by the function (after ``reset``)."""
    chat: Screen = field(default_factory=dict)  # kept up to date from the chat's events
    seq: int = 0

    async def start(self) -> None:
        view = await self.user.chat()
        self.chat = {m.message_id: m for m in view.messages if m.from_bot}
        self.seq = view.seq
        await self.settle(quiet=0.5)  # notifications still on their way arrive first

    async def settle(self, *, reply: bool = False, quiet: float = 0.015) -> Screen:
        """The chat once the bot has stopped posting/editing for a moment (with ``reply``,
        first wait up to a few seconds for the bot's reply to a message just sent)."""
        emu = self.user.emu
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5.0
        waiting = reply
        while True:
            timeout = max(0.0, deadline - loop.time()) if waiting else quiet
            data = await emu.call(
                "GET",
                f"/chats/{self.user.id}/wait",
                params={"bot_id": emu.bot_id, "after": self.seq, "timeout": round(timeout, 3)},
                wait=timeout,
            )
            for event in data["events"]:
                self.seq = max(self.seq, int(event["seq"]))
                if event["kind"] == "delete":
                    self.chat.pop(int(event["message_id"]), None)
                    continue
                message = Message(event, kind=event["kind"], seq=int(event["seq"]))
                if message.from_bot:
                    self.chat[message.message_id] = message
                    waiting = False
            if waiting and loop.time() >= deadline:
                waiting = False
            if not waiting and (not data["events"] or not quiet):
                return dict(self.chat)

    def _enqueue(
        self, root: str, path: tuple[tuple[str, str], ...], before: Screen, after: Screen
    ) -> None:
        """Queue the buttons of every bot message the last action posted or changed."""
        for message in _changed(before, after):
            if _has_generic(message.content):
                self.defects.append(
                    f"[{self.role}] after {root!r} → {path!r}: the bot posted the generic "
                    f"error: {message.content!r}"
                )
            if len(path) >= MAX_DEPTH:
                continue
            screen = _screen(message)
            for label, data in _safe_first(_callbacks(message)):
                if (self.only and not data.startswith(self.only)) or (
                    self.skip and data.startswith(self.skip)
                ):
                    continue
                key = (_kind(screen), _kind(data), _kind(label))
                if key in self.visited:
                    continue
                self.visited.add(key)
                self.queue.append(Item(root, path, message.message_id, screen, label, data))

    async def _enter(self, root: str) -> None:
        if root in self.prepared:
            await self.prepared[root]()
        else:
            await self.user.send_text(root)

    async def open_root(self, root: str) -> None:
        before = await self.settle(quiet=0.0)
        await self._enter(root)
        self._enqueue(root, (), before, await self.settle(reply=True))

    async def _replay(self, item: Item) -> tuple[Message, str] | None:
        """Reach the item's screen again from the menu entry, in a fresh conversation; the
        message with the item's button (or one of its kind) and that button's data. Only
        messages the replay itself posted or changed count."""
        if self.reset is not None:
            await self.reset()
        before = await self.settle(quiet=0.0)
        await self._enter(item.root)
        after = await self.settle(reply=True)
        for data, label in item.path:
            found = _find_like({m.message_id: m for m in _changed(before, after)}, data, label)
            if found is None:
                return None
            result = await self.user.press(data=found[1], message=found[0])
            self.replay_presses += 1
            if _has_generic(result.text):
                self.defects.append(
                    f"[{self.role}] replaying {item.root!r} → {item.path!r}: data={found[1]!r} "
                    f"answered with the generic error {result.text!r}"
                )
            before, after = after, await self.settle()
        changed = {m.message_id: m for m in _changed(before, after)}
        return _find_like(changed, item.data, item.label)

    async def _press_once(self, data: str, message: Message, where: str) -> str | None:
        """Press; the answer's text. Raises AssertionError (recorded) when never answered."""
        try:
            result = await self.user.press(data=data, message=message)
        except AssertionError as error:
            self.defects.append(f"{where}: DEAD, never answered ({error})")
            raise
        return result.text

    async def press(self, item: Item) -> None:
        before = await self.settle(quiet=0.0)
        message = _find(before, item.data, item.message_id)
        data = item.data
        replayed = message is None
        if message is None:
            found = await self._replay(item)
            if found is None:
                self.unreachable.append(item)
                return
            (message, data), before = found, await self.settle(quiet=0.0)
        where = (
            f"[{self.role}] {item.root!r} → screen {item.screen!r}: button {item.label!r} "
            f"(data={data!r}, path={[d for d, _ in item.path]!r})"
        )
        self.presses += 1
        self.pressed.append(data)
        self.per_root[item.root] += 1
        try:
            answer = await self._press_once(data, message, where)
            if _is_outdated(answer) and not replayed:
                # the message went stale since it was shown: show it afresh and retry
                found = await self._replay(item)
                if found is None:
                    self.unreachable.append(item)
                    return
                (message, data), before = found, await self.settle(quiet=0.0)
                answer = await self._press_once(data, message, where)
        except AssertionError:
            return
        if _has_generic(answer):
            self.defects.append(f"{where}: answered with the generic error {answer!r}")
        if _is_outdated(answer):
            self.defects.append(f"{where}: just shown, yet answered 'outdated button' {answer!r}")
        after = await self.settle()
        changed = _changed(before, after)
        if changed and not _callbacks(changed[-1]) and changed[-1].message_id not in before:
            self.fsm_prompts.append(f"{item.label!r} → {_screen(changed[-1])!r}")
        self._enqueue(item.root, (*item.path, (data, item.label)), before, after)

    async def walk(self, roots: list[str]) -> None:
        started = time.monotonic()
        await self.start()
        for root in roots:
            await self.open_root(root)
        while self.queue and self.presses < MAX_PRESSES:
            if time.monotonic() - started > TIME_BUDGET:
                break
            await self.press(self.queue.popleft())
        # nothing anywhere in the chat is the generic error
        for message in (await self.user.chat()).messages:
            if message.from_bot and _has_generic(message.content):
                self.defects.append(
                    f"[{self.role}] the chat holds the generic error: {message.content!r}"
                )

    def summary(self, elapsed: float) -> str:
        roots = ", ".join(f"{root}: {count}" for root, count in self.per_root.items())
        return (
            f"{self.role}: {self.presses} buttons pressed ({roots}); "
            f"{self.replay_presses} replay presses; {len(self.visited)} distinct buttons seen, "
            f"{len(self.queue)} left unpressed (cap), {len(self.unreachable)} gone after "
            f"earlier actions; {elapsed:.1f}s"
        )

    def verdict(self) -> str:
        return "\n".join(dict.fromkeys(self.defects))  # de-duplicated, in order


async def _pending_resident(desk: Desk, cast: Cast, name: str, apartment: str) -> UserClient:
    """A resident waiting for the manager to verify their apartment."""
    user = await new_user(desk, name, started=True)
    async with desk.runtime.services.session_factory() as session, session.begin():
        await session.execute(
            insert(User).values(
                id=user.id,
                first_name=name,
                full_name=f"{name} Rahimov",
                phone="+998901112233",
                language=Language.EN,
            )
        )
        session.add(
            ResidentApartment(
                user_id=user.id,
                apartment_id=cast.home.apartments[apartment],
                kind=ResidencyKind.TENANT,
                verification=VerificationState.PENDING,
            )
        )
    return user


async def _world(desk: Desk) -> tuple[Cast, UserClient]:
    """A building with a manager, an on-duty plumber, a verified resident and requests in
    every state the screens tell apart (two of each), plus pending verifications."""
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    await insert_request(desk, resident, cast.home)
    await insert_request(desk, resident, cast.home, description="The tap will not close")
    await insert_request(
        desk, resident, cast.home, urgency=Urgency.URGENT, description="No hot water at all"
    )
    for _ in range(2):  # a second one of each: the walk's destructive presses use one up
        assigned, _ = await insert_request(desk, resident, cast.home, description="Tap drips")
        await drive(desk, assigned, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)
        accepted, _ = await insert_request(desk, resident, cast.home, description="Pipe knocks")
        await drive(desk, accepted, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)
        await drive(desk, accepted, cast.executor, Action.ACCEPT)
        in_progress, _ = await insert_request(
            desk, resident, cast.home, category=Category.PLUMBING, description="Radiator leaks"
        )
        await to_in_progress(desk, cast, in_progress)
        completed, _ = await insert_request(desk, resident, cast.home, description="Toilet runs")
        await to_completed(desk, cast, completed)
    await _pending_resident(desk, cast, "Aziz", "13")
    await _pending_resident(desk, cast, "Kamola", "14")
    await _outage(desk, cast, Category.ELEVATOR)  # the desk's queue, "known outage" on filing
    return cast, resident


async def _outage(desk: Desk, cast: Cast, category: Category) -> None:
    services = desk.runtime.services
    actor = await services.actor(cast.manager.id)
    assert actor is not None
    async with services.uow() as uow:
        await incidents.declare(
            uow,
            actor,
            building_id=cast.home.building_id,
            category=category,
            text="The elevator is stuck between floors",
            hours=4,
            now=services.clock.now(),
            tz=services.tz,
        )


async def _main_menu(user: UserClient, expected: list[str]) -> list[str]:
    """The entries of the user's reply-keyboard main menu (as shown after /start)."""
    await user.send_command("start")
    await user.expect(lambda m: m.reply_keyboard is not None, timeout=5)
    keyboard = await user.reply_keyboard()
    assert keyboard, "no main menu keyboard after /start"
    entries = [text for row in keyboard for text in row]
    for text in expected:
        assert text in entries, (text, entries)
    # the language switch last: it changes every text the walk keys screens by
    language = _T(Language.EN.value, "menu-language")
    return [e for e in entries if e != language] + [e for e in entries if e == language]


async def _walk(
    desk: Desk,
    user: UserClient,
    role: str,
    expected: list[str],
    *,
    roots: tuple[str, ...] | None = None,
    prepared: dict[str, Callable[[], Awaitable[None]]] | None = None,
    only: tuple[str, ...] = (),
    skip: tuple[str, ...] = (),
) -> Walker:
    """``roots``: texts to start from instead of the main menu's entries (commands);
    ``prepared``: screens only reached by typing, shown by a function."""
    started = time.monotonic()
    menu = await _main_menu(user, expected)
    starts = menu if roots is None else list(roots)
    await user.mark()

    async def reset() -> None:
        bot = desk.runtime.bot
        await desk.runtime.dispatcher.fsm.get_context(bot, user.id, user.id).clear()

    walker = Walker(user, role, reset=reset, prepared=dict(prepared or {}), only=only, skip=skip)
    await walker.walk([*starts, *walker.prepared])
    elapsed = time.monotonic() - started
    print(walker.summary(elapsed))
    if walker.unreachable:
        gone = [f"{i.label!r} ({i.data})" for i in walker.unreachable]
        print(f"{role}: gone after earlier actions: {gone}")
    if walker.fsm_prompts:
        print(f"{role}: text prompts reached: {walker.fsm_prompts}")
    assert walker.presses >= (1 if only else 10), walker.summary(elapsed)
    assert not walker.defects, (
        f"dead or failing buttons found ({walker.summary(elapsed)}):\n{walker.verdict()}"
    )
    return walker


def _pressed(walker: Walker) -> set[str]:
    """Kinds of callback data the walk pressed (not those left in its queue by the cap)."""
    left = {(_kind(i.screen), _kind(i.data), _kind(i.label)) for i in walker.queue}
    return {key[1] for key in walker.visited - left}


async def _announcement_preview(desk: Desk, cast: Cast) -> Callable[[], Awaitable[None]]:
    """The manager's preview of planned works (Send / Edit / reminder / Cancel), as after
    typing the window and the text; and one announcement already sent (its history and
    report)."""
    services, bot = desk.runtime.services, desk.runtime.bot
    manager = cast.manager
    async with services.session_factory() as session, session.begin():  # entrances to pick
        session.add(Entrance(building_id=cast.home.building_id, number="2"))
    actor = await services.actor(manager.id)
    assert actor is not None
    async with services.uow() as uow:
        await send_announcement(
            uow,
            actor,
            Draft(token="walk0001", building_ids=(cast.home.building_id,), text="Lift check"),
            services.clock.now(),
            services.tz,
        )

    async def show() -> None:
        start = services.clock.now() + timedelta(days=2)
        draft = Draft(
            token=secrets.token_hex(4),
            building_ids=(cast.home.building_id,),
            kind=AnnouncementKind.PLANNED_WORKS,
            text="<b>Hot water</b> is off",
            starts_at=start,
            ends_at=start + timedelta(hours=6),
            remind=True,
        )
        context = desk.runtime.dispatcher.fsm.get_context(bot, manager.id, manager.id)
        await context.set_state(AnnounceInput.preview)
        await context.update_data({DRAFT: draft_data(draft)})
        await send_preview(bot, services, services.translator.bind("en"), actor, draft)

    return show


async def test_no_dead_buttons_for_the_manager(desk: Desk) -> None:
    cast, _ = await _world(desk)
    await _walk(
        desk,
        cast.manager,
        "manager",
        _menu_texts(ROLE_MENUS[Role.MANAGER]) + _menu_texts(COMMON_MENU),
    )


async def test_no_dead_buttons_on_the_api_clients_screen(desk: Desk) -> None:
    """The admin's 🔑 API clients (reached from ⚙️ Settings, walked from ``/apiclients``):
    list, new client (a typed name), revoke."""
    from domain.services.api_clients import create_client

    admin = await new_user(desk, "Aziz", started=True)
    await make_staff(desk.runtime.services.session_factory, admin, [Role.ADMIN])
    services = desk.runtime.services
    for name in ("Call centre", "Accounting"):
        async with services.uow() as uow:
            await create_client(uow, None, name, ["requests:read"], services.clock.now())

    async def reset() -> None:
        await desk.runtime.dispatcher.fsm.get_context(desk.runtime.bot, admin.id, admin.id).clear()

    started = time.monotonic()
    walker = Walker(admin, "admin", reset=reset, only=("apic:",))  # not all of settings
    await walker.walk(["/apiclients"])
    summary = walker.summary(time.monotonic() - started)
    print(summary)
    assert walker.presses >= 3, summary
    pressed = {data.partition(":")[2].split(":")[0] for _, data, _ in walker.visited}
    assert {"revoke", "new", "list"} <= pressed, (summary, pressed)  # and Cancel of the prompt
    assert not walker.defects, f"dead or failing buttons ({summary}):\n{walker.verdict()}"


async def test_no_dead_buttons_on_the_outage_screens(desk: Desk) -> None:
    """Every button of the outages (the desk's queue and card, declaring, a resident told
    about a known outage) is pressed: a small world, so the walk's cap is not reached
    before them."""
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    await _outage(desk, cast, Category.ELEVATOR)  # no request: the walk stays on outages
    panel = _T(Language.EN.value, "menu-panel")
    manager = await _walk(
        desk, cast.manager, "manager", _menu_texts(ROLE_MENUS[Role.MANAGER]), roots=(panel,)
    )
    pressed = _pressed(manager)
    for kind in ("inc:q:#", "inc:o:#", "inc:new:#", "incd:#:elevator:#:#", "inc:up:#"):
        assert kind in pressed, (kind, sorted(pressed))
    for kind in ("inc:lk:#", "inc:rc:#", "inc:rr:#"):
        assert kind in pressed, (kind, sorted(pressed))
    new_request = _T(Language.EN.value, "menu-new-request")
    walker = await _walk(
        desk, resident, "resident", _menu_texts(RESIDENT_MENU), roots=(new_request,)
    )
    pressed = _pressed(walker)
    for kind in ("inc:fo:#", "inc:fa:#"):
        assert kind in pressed, (kind, sorted(pressed))  # "known outage" when filing


async def test_no_dead_buttons_on_the_outage_suggestion(desk: Desk) -> None:
    """The "possible outage" message comes from the outbox, not from a menu: each of its
    buttons is pressed, before and after the suggestion was decided."""
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    services = desk.runtime.services
    second = await new_user(desk, "Sardor", started=True)
    await make_staff(
        services.session_factory, second, [Role.MANAGER], buildings=[cast.home.building_id]
    )
    last = 0
    for _ in range(3):
        last, _number = await insert_request(desk, resident, cast.home)
    async with services.uow() as uow:
        settings = await uow.settings.load()
        assert await incidents.after_filing(uow, last, services.clock.now(), settings, services.tz)
    manager = cast.manager
    suggestion = await manager.expect("Possible outage")
    await manager.press("Not related", message=suggestion)
    await manager.expect("Marked as not related")
    # the other manager's copy of the message: decided already, they are told
    answer = await second.press("🚨 Declare incident", message=await second.expect("Possible"))
    assert answer.text == "This suggestion was already handled.", answer
    # A fresh cluster: declaring walks the target and the text prompt.
    for _ in range(3):
        last, _number = await insert_request(desk, resident, cast.home)
    async with services.uow() as uow:
        await incidents.after_filing(uow, last, services.clock.now(), settings, services.tz)
    suggestion = await manager.expect("Possible outage")
    await manager.press("🚨 Declare incident", message=suggestion)
    target = await manager.expect("By when")
    await manager.press("⬅️ Back", message=target)
    await manager.expect("Open outages: 0")
    await manager.press("➕ Declare an outage")
    await manager.expect("What is out?")


async def test_no_dead_buttons_in_announcements(desk: Desk) -> None:
    """Its own walk (the manager's has no time left for it): /announce, its history and
    report, and the preview's buttons (a screen only reached by typing)."""
    cast, _ = await _world(desk)
    preview = await _announcement_preview(desk, cast)
    walker = await _walk(
        desk,
        cast.manager,
        "announcements",
        [],
        roots=("/announce",),
        prepared={"📢 announcement preview": preview},
        only=("ann:",),  # the panel's buttons are the manager's walk's
    )
    pressed = {data.split(":")[1] for data in walker.pressed if data.startswith("ann:")}
    # the admin's switch for paid broadcast, on the desk rules screen
    admin = await new_user(desk, "Aziz", started=True)
    await make_staff(desk.runtime.services.session_factory, admin, [Role.ADMIN])
    settings = await _walk(
        desk, admin, "paid broadcast", [], roots=("/settings",), only=("cfg:desk", "cfg:flag:paid")
    )
    assert settings.pressed.count("cfg:flag:paid") >= 1, settings.pressed
    # every kind of announcement button: home, new, audience, kinds, preview, report, history
    assert pressed >= {
        "home",
        "new",
        "bld",
        "ent",
        "aud",
        "next",
        "kind",
        "cancel",
        "send",
        "edit",
        "remind",
        "report",
        "hist",
        "hb",
    }, pressed


async def test_no_dead_buttons_for_the_executor(desk: Desk) -> None:
    cast, _ = await _world(desk)
    await _walk(
        desk,
        cast.executor,
        "executor",
        _menu_texts(ROLE_MENUS[Role.EXECUTOR]) + _menu_texts(COMMON_MENU),
    )


async def test_no_dead_buttons_for_a_verified_resident(desk: Desk) -> None:
    _, resident = await _world(desk)
    await _walk(desk, resident, "resident", _menu_texts(RESIDENT_MENU) + _menu_texts(COMMON_MENU))
