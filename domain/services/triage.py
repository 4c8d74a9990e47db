"""An optional second opinion on a new request's category and urgency.

The model is asked only after the request is filed and committed, so a slow or
failing model can never delay or lose a request; managers get a hint only when
the model disagrees with what the resident chose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.enums import Category, Urgency
from domain.ports import Suggestion
from domain.services.notifications import Notification, OutboxPort, tr


class TriageDirectory(Protocol):
    async def managers_of(self, building_id: int) -> list[int]: ...


class TriageUnitOfWork(Protocol):
    @property
    def directory(self) -> TriageDirectory: ...
    @property
    def outbox(self) -> OutboxPort: ...

    async def commit(self) -> None: ...


@dataclass(frozen=True, slots=True)
class FiledFacts:
    request_id: int
    number: str
    building_id: int
    description: str
    category: Category
    urgency: Urgency


def disagreement(facts: FiledFacts, suggestion: Suggestion | None) -> Suggestion | None:
    """The suggestion, when it says something different from the resident's choice."""
    if suggestion is None:
        return None
    other_category = suggestion.category not in (None, facts.category)
    other_urgency = suggestion.urgency not in (None, facts.urgency)
    return suggestion if other_category or other_urgency else None


async def notify_triage(uow: TriageUnitOfWork, facts: FiledFacts, suggestion: Suggestion) -> None:
    """Tells the building's managers what the model would have chosen."""
    category = suggestion.category or facts.category
    urgency = suggestion.urgency or facts.urgency
    await uow.outbox.add(
        *(
            Notification(
                chat_id=manager_id,
                user_id=manager_id,
                template="triage-suggestion",
                params={
                    "number": facts.number,
                    "category": tr(f"category-{category}"),
                    "urgency": tr(f"urgency-{urgency}"),
                },
                dedupe_key=f"triage:{facts.request_id}:{manager_id}",
            )
            for manager_id in await uow.directory.managers_of(facts.building_id)
        )
    )
    await uow.commit()
