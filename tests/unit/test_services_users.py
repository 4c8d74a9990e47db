"""User use cases against in-memory fakes."""

from __future__ import annotations

from dataclasses import replace

from domain.enums import Language, Role, UserStatus
from domain.services.notifications import Button, MediaRef, Notification, tr
from domain.services.users import TelegramIdentity, UserProfile, choose_language
from tests.unit.factories import FakeAudit


class FakeUsers:
    def __init__(self) -> None:
        self.profiles: dict[int, UserProfile] = {}

    async def get_profile(self, user_id: int) -> UserProfile | None:
        return self.profiles.get(user_id)

    async def save_identity(self, identity: TelegramIdentity, language: Language) -> None:
        old = self.profiles.get(identity.id)
        roles = old.roles if old else frozenset()
        self.profiles[identity.id] = UserProfile(
            id=identity.id,
            first_name=identity.first_name,
            last_name=identity.last_name,
            username=identity.username,
            language=language,
            roles=roles,
        )

    async def grant_role(self, user_id: int, role: Role) -> bool:
        profile = self.profiles[user_id]
        if role in profile.roles:
            return False
        self.profiles[user_id] = replace(profile, roles=profile.roles | {role})
        return True


class FakeUow:
    def __init__(self) -> None:
        self.users = FakeUsers()
        self.audit = FakeAudit()
        self.commits = 0

    async def commit(self) -> None:
        self.commits += 1


async def test_first_contact_creates_a_resident_with_the_chosen_language() -> None:
    uow = FakeUow()
    profile = await choose_language(uow, TelegramIdentity(5, "Aziza"), Language.UZ, admin_ids=[1])
    assert profile.language is Language.UZ
    assert profile.roles == frozenset()
    assert not profile.is_staff and profile.is_active
    assert uow.commits == 1
    assert uow.audit.records == []


async def test_configured_admin_is_bootstrapped_once_and_audited() -> None:
    uow = FakeUow()
    identity = TelegramIdentity(1, "Boss", "Big", "boss")
    first = await choose_language(uow, identity, Language.RU, admin_ids=[1])
    again = await choose_language(uow, identity, Language.EN, admin_ids=[1])
    assert first.roles == {Role.ADMIN} and first.is_staff
    assert again.language is Language.EN
    assert [r[1] for r in uow.audit.records] == ["role.granted"]
    assert again.display_name == "Boss Big"


def test_profile_status() -> None:
    profile = UserProfile(id=1, first_name="A", language=None, status=UserStatus.DEACTIVATED)
    assert not profile.is_active


def test_notification_shapes() -> None:
    note = Notification.to_user(7, "status-new", status=tr("status-new"))
    assert note.chat_id == note.user_id == 7
    assert note.params == {"status": {"key": "status-new"}}
    assert Button("menu-help", callback_data="x", params={"n": 1}).to_json() == {
        "text": "menu-help",
        "params": {"n": 1},
        "data": "x",
    }
    assert Button("menu-help", url="https://example.org").to_json()["url"] == "https://example.org"
    assert MediaRef("photo", "F1").to_json() == {"kind": "photo", "file_id": "F1"}
