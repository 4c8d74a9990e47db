"""Who may see and act on what.

``Actor`` is the acting user as loaded by the edge (roles, scopes, links);
the lifecycle asks it which ``ActorRole`` the user plays for a request.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.catalog import matches_category
from domain.enums import ActorRole, RequestStatus, Role, Specialization
from domain.errors import NotAllowed
from domain.model import RequestState

NOT_AVAILABLE = "error-not-available"
"""Message key for "this request does not exist or is not yours" (no leak which)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    """The acting user.

    - ``managed_building_ids``: buildings a manager runs; an admin manages all
      buildings whatever this holds.
    - ``apartment_ids``: the apartments the user is linked to *and* that count
      (verified links; the caller may include pending links when the
      "unverified residents may file" setting is on).
    - ``home_building_ids``: the buildings of those apartments (for filing a
      common-area request).
    - ``is_system``: the scheduler / automation (see ``Actor.system()``).
    """

    user_id: int
    roles: frozenset[Role] = frozenset()
    is_active: bool = True
    managed_building_ids: frozenset[int] = frozenset()
    apartment_ids: frozenset[int] = frozenset()
    home_building_ids: frozenset[int] = frozenset()
    specializations: frozenset[Specialization] = frozenset()
    on_duty: bool = False
    is_system: bool = False

    @classmethod
    def system(cls) -> Actor:
        """The automation actor (auto-accept, sweeps). ``user_id`` is 0."""
        return cls(user_id=0, is_system=True)

    def has_role(self, role: Role) -> bool:
        return self.is_active and role in self.roles

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def is_staff_manager(self) -> bool:
        """Manager or admin (may open the panel at all)."""
        return self.is_admin or self.has_role(Role.MANAGER)

    def is_manager_of(self, building_id: int) -> bool:
        if self.is_admin:
            return True
        return self.has_role(Role.MANAGER) and building_id in self.managed_building_ids

    def is_assignee_of(self, request: RequestState) -> bool:
        return (
            self.has_role(Role.EXECUTOR)
            and request.assignee_id is not None
            and request.assignee_id == self.user_id
        )

    def sees_in_pool(self, request: RequestState) -> bool:
        """An unassigned ``new`` request matching this executor's specializations."""
        return (
            self.has_role(Role.EXECUTOR)
            and request.status is RequestStatus.NEW
            and request.assignee_id is None
            and matches_category(self.specializations, request.category)
        )

    def is_author_of(self, request: RequestState) -> bool:
        return self.is_active and not self.is_system and request.author_id == self.user_id

    def is_resident_of(self, request: RequestState) -> bool:
        """The author, or a user linked to the request's apartment."""
        if self.is_author_of(request):
            return True
        return (
            self.is_active
            and request.apartment_id is not None
            and request.apartment_id in self.apartment_ids
        )

    def actor_roles_for(self, request: RequestState) -> tuple[ActorRole, ...]:
        """Every role this user plays for ``request``, highest priority first.

        Priority: admin > manager of the building > executor (assignee, or a
        pool request matching the specializations) > resident (author or linked
        to the apartment). ``system`` for the automation actor.
        """
        if not self.is_active:
            return ()
        if self.is_system:
            return (ActorRole.SYSTEM,)
        roles: list[ActorRole] = []
        if self.is_admin:
            roles.append(ActorRole.ADMIN)
        if self.has_role(Role.MANAGER) and request.building_id in self.managed_building_ids:
            roles.append(ActorRole.MANAGER)
        if self.is_assignee_of(request) or self.sees_in_pool(request):
            roles.append(ActorRole.EXECUTOR)
        if self.is_resident_of(request):
            roles.append(ActorRole.RESIDENT)
        return tuple(roles)

    def actor_role_for(self, request: RequestState) -> ActorRole | None:
        """The main role this user plays for ``request`` (``None``: a stranger)."""
        roles = self.actor_roles_for(request)
        return roles[0] if roles else None


def can_view(actor: Actor, request: RequestState) -> bool:
    """Resident: own requests and requests on their linked apartments;
    executor: assigned to them, or the unassigned pool matching their
    specializations; manager: buildings they manage; admin and system: all;
    a deactivated user: nothing."""
    return bool(actor.actor_roles_for(request))


def can_file(actor: Actor, building_id: int, apartment_id: int | None) -> bool:
    """May ``actor`` file a request for this place?

    Managers (of the building) and admins file on anyone's behalf (call-centre
    intake); a resident files for their linked apartments and for the common
    areas of the buildings they live in. The caller guarantees that
    ``apartment_id`` belongs to ``building_id``.
    """
    if not actor.is_active or actor.is_system:
        return False
    if actor.is_manager_of(building_id):
        return True
    if apartment_id is not None:
        return apartment_id in actor.apartment_ids
    return building_id in actor.home_building_ids


def ensure_can_file(actor: Actor, building_id: int, apartment_id: int | None) -> None:
    if not can_file(actor, building_id, apartment_id):
        raise NotAllowed()
