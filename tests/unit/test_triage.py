"""The second opinion is shown only when the model disagrees with the resident."""

from __future__ import annotations

from domain.enums import Category, Urgency
from domain.ports import Suggestion
from domain.services.notifications import Notification
from domain.services.triage import FiledFacts, disagreement, notify_triage

FACTS = FiledFacts(7, "261122-001", 3, "Sparks from the socket", Category.OTHER, Urgency.NORMAL)


def test_agreement_or_silence_is_not_shown() -> None:
    assert disagreement(FACTS, None) is None
    assert disagreement(FACTS, Suggestion(Category.OTHER, Urgency.NORMAL)) is None
    assert disagreement(FACTS, Suggestion(None, None)) is None


def test_any_difference_is_shown() -> None:
    assert disagreement(FACTS, Suggestion(Category.ELECTRICITY)) is not None
    assert disagreement(FACTS, Suggestion(None, Urgency.EMERGENCY)) is not None


class _Uow:
    def __init__(self) -> None:
        self.notes: list[Notification] = []
        self.committed = False
        self.directory = self
        self.outbox = self

    async def managers_of(self, building_id: int) -> list[int]:
        return [11, 12]

    async def add(self, *notes: Notification) -> None:
        self.notes.extend(notes)

    async def commit(self) -> None:
        self.committed = True


async def test_every_manager_of_the_building_gets_the_hint() -> None:
    uow = _Uow()
    await notify_triage(uow, FACTS, Suggestion(None, Urgency.EMERGENCY))
    assert [n.chat_id for n in uow.notes] == [11, 12] and uow.committed
    assert uow.notes[0].params == {
        "number": "261122-001",
        "category": {"key": "category-other"},
        "urgency": {"key": "urgency-emergency"},
    }
