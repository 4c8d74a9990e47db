"""The staff chat post of a request: the ``filing-card`` the outbox delivered to
the staff chat, edited to show the request's current state.

Kept apart from ``domain.services.desk`` so that the one write path
(``domain.services.requests.perform_action``) can add these edits to the
outbox in the same transaction as the change without an import cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from domain.enums import Category, RequestStatus, Urgency
from domain.lifecycle import ACTIVE_STATUSES
from domain.services.notifications import Button, Notification, tr

__all__ = [
    "DESK_OPEN_DATA",
    "DESK_PICK_DATA",
    "PostFacts",
    "StaffPostRepository",
    "post_buttons",
    "staff_post_notes",
]

DESK_OPEN_DATA = "desk:open:{request_id}"
"""``fsm.desk.DeskCb(action="open")`` packed: the staff card in the private chat."""
DESK_PICK_DATA = "desk:assign:{request_id}"
"""``fsm.desk.DeskCb(action="assign")`` packed: the executor picker in the private chat."""


@dataclass(frozen=True, slots=True)
class PostFacts:
    """What the staff chat post of a request shows."""

    number: str
    status: RequestStatus
    category: Category
    urgency: Urgency
    address: str
    apartment: str | None
    executor: str | None


class StaffPostRepository(Protocol):
    async def delivered_cards(self, request_id: int) -> list[tuple[int, int]]:
        """(chat id, message id) of the delivered ``filing-card`` rows sent to group chats."""
        ...

    async def record_staff_post(self, request_id: int, chat_id: int, message_id: int) -> None: ...


def _post_params(facts: PostFacts) -> dict[str, Any]:
    return {
        "number": facts.number,
        "status": tr(f"status-{facts.status}"),
        "category": tr(f"category-{facts.category}"),
        "urgency": tr(f"urgency-{facts.urgency}"),
        "address": facts.address,
        "kind": "apartment" if facts.apartment else "other",
        "apartment": facts.apartment or "",
        "executor": facts.executor or "—",
    }


def post_buttons(request_id: int, status: RequestStatus) -> tuple[tuple[Button, ...], ...]:
    """Quick actions of a staff chat post: open the card / the picker in the private chat."""
    row = [Button("desk-btn-open", callback_data=DESK_OPEN_DATA.format(request_id=request_id))]
    if status in ACTIVE_STATUSES and status is not RequestStatus.COMPLETED:
        row.append(
            Button("desk-btn-assign", callback_data=DESK_PICK_DATA.format(request_id=request_id))
        )
    return (tuple(row),)


async def staff_post_notes(
    desk: StaffPostRepository,
    request_id: int,
    *,
    posts: Sequence[tuple[int, int]],
    facts: PostFacts,
) -> list[Notification]:
    """Edits of the request's staff chat posts showing its current state.

    The post is the ``filing-card`` the outbox delivered to the staff chat: the
    first time it is needed, the delivered outbox row (``sent_message_id``) is
    recorded in ``staff_posts``; a card not delivered yet is left alone (it is
    rendered from the filing data when it goes out).
    ``posts`` are the recorded ones and ``facts`` the request after the change: the
    caller read both with the request (``RequestRepository.lock_for_change``).
    """
    posts = list(posts)
    if not posts:
        # A request has one group post (the staff chat): once recorded, the outbox
        # (a prefix search over every card ever sent) is not searched again.
        for chat_id, message_id in await desk.delivered_cards(request_id):
            await desk.record_staff_post(request_id, chat_id, message_id)
            posts.append((chat_id, message_id))
    if not posts:
        return []
    params = _post_params(facts)
    buttons = post_buttons(request_id, facts.status)
    return [
        Notification(
            chat_id=chat_id,
            template="desk-staff-post",
            params=params,
            buttons=buttons,
            edit_of_message_id=message_id,
        )
        for chat_id, message_id in posts
    ]
