"""The one place where permissions are decided.

A permission is data: POLICY maps an action to the roles allowed to do it and the scope within
which each role may do it. A user's roles are RoleAssignment rows (role + province or
organisation). Every service calls `require`; every list of records a user may change goes
through `restrict`. Tests exercise POLICY as a matrix (role × action × scope).

The rows are declared by the apps that own the actions (their `apps.py`, through the registry);
this module only decides.
"""

from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import NotAuthenticated, PermissionDenied
from nesta.core.registry import registry


class Role(models.TextChoices):
    OFFICE = "office", _("领导小组办公室")
    PROVINCE = "province", _("省科技厅")
    ORG_ADMIN = "org_admin", _("机构管理员")
    INSTRUMENT_MANAGER = "instrument_manager", _("仪器管理员")
    EXPERT = "expert", _("专家")
    MEMBER = "member", _("成员")
    FINANCE = "finance", _("财务人员")


class Scope(models.TextChoices):
    ALL = "all", _("全部")
    PROVINCE = "province", _("本省")
    ORGANIZATION = "organization", _("本机构")
    SELF = "self", _("本人")


# Roles tied to an organisation must name it; the province role must name its province.
ORGANIZATION_ROLES = {Role.ORG_ADMIN, Role.INSTRUMENT_MANAGER, Role.MEMBER}

# Every signed-in user, whatever their role, may do such an action anywhere (book, order a test).
EVERY_ROLE: dict[str, str] = {role: Scope.ALL for role in Role.values}


class _PolicyView(Mapping[str, dict[str, str]]):
    """POLICY as it stands in the registry: action → {role: scope}. Each app declares its own rows
    from its AppConfig.ready() (`registry.permissions(...)`); core declares none of theirs."""

    def __getitem__(self, action: str) -> dict[str, str]:
        return registry.policy[action]

    def __iter__(self) -> Iterator[str]:
        return iter(registry.policy)

    def __len__(self) -> int:
        return len(registry.policy)


class _PublicView(AbstractSet[str]):
    """The actions anyone, logged in or not, may do (also declared by the apps)."""

    def __contains__(self, action: object) -> bool:
        return registry.is_public(action)

    def __iter__(self) -> Iterator[str]:
        return iter(registry.public_actions)

    def __len__(self) -> int:
        return len(registry.public_actions)

    @classmethod
    def _from_iterable(cls, it):  # set operations (|, &, -) give a plain frozenset
        return frozenset(it)


POLICY: Mapping[str, dict[str, str]] = _PolicyView()
PUBLIC_ACTIONS: AbstractSet[str] = _PublicView()


@dataclass(frozen=True)
class Target:
    """Where a record sits, as far as permissions care."""

    province_code: str | None = None
    organization_id: int | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class Grant:
    role: str
    province_code: str | None = None
    organization_id: int | None = None


class HasTarget(Protocol):
    def permission_target(self) -> Target: ...


def grants_of(user: Any) -> list[Grant]:
    """The user's role grants, read once per user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_nesta_grants", None)
    if cached is not None:
        return cached
    grants = [
        Grant(role=r.role, province_code=r.province.code if r.province_id else None, organization_id=r.organization_id)
        for r in user.role_assignments.select_related("province")
    ]
    if user.is_superuser:
        grants.append(Grant(role=Role.OFFICE))
    user._nesta_grants = grants
    return grants


def _grant_covers(grant: Grant, scope: str, target: Target, user: Any) -> bool:
    if scope == Scope.ALL:
        return True
    if scope == Scope.PROVINCE:
        return grant.province_code is not None and grant.province_code == target.province_code
    if scope == Scope.ORGANIZATION:
        return grant.organization_id is not None and grant.organization_id == target.organization_id
    if scope == Scope.SELF:
        return target.user_id is not None and target.user_id == user.pk
    return False


def can(user: Any, action: str, target: Target | HasTarget | None = None) -> bool:
    """May `user` do `action` on `target`? With no target: may they do it anywhere at all?"""
    if registry.is_public(action):
        return True
    allowed = registry.policy.get(action)
    if allowed is None:
        raise KeyError(f"unknown action {action!r}")
    if target is not None and not isinstance(target, Target):
        target = target.permission_target()
    for grant in grants_of(user):
        scope = allowed.get(grant.role)
        if scope is None:
            continue
        if target is None or _grant_covers(grant, scope, target, user):
            return True
    return False


def require(user: Any, action: str, target: Target | HasTarget | None = None) -> None:
    """Raise the domain error for a refused action: 401 for anonymous users, 403 otherwise."""
    if can(user, action, target):
        return
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    raise PermissionDenied(details={"action": action})


def require_move(user: Any, action: str, before: Target, after: Target) -> None:
    """The one rule for moving a record (instrument, organisation, …) to another owner or
    province: `action` must be allowed where it was and where it goes. Across provinces that
    takes a province-wide grant in both provinces (or the office's): the province decides which
    office governs a record, so an organisation's own admin may not move it out."""
    if before == after:
        return
    if before.province_code != after.province_code:
        require(user, action, Target(province_code=before.province_code))
        require(user, action, Target(province_code=after.province_code))
    require(user, action, before)
    require(user, action, after)


def restrict(
    user: Any,
    action: str,
    queryset: QuerySet,
    *,
    province_field: str | None = None,
    organization_field: str | None = None,
    user_field: str | None = None,
) -> QuerySet:
    """The rows of `queryset` on which `user` may do `action`."""
    if registry.is_public(action):
        return queryset
    allowed = registry.policy[action]
    condition = Q(pk__in=[])
    for grant in grants_of(user):
        scope = allowed.get(grant.role)
        if scope == Scope.ALL:
            return queryset
        if scope == Scope.PROVINCE and province_field and grant.province_code:
            condition |= Q(**{province_field: grant.province_code})
        elif scope == Scope.ORGANIZATION and organization_field and grant.organization_id:
            condition |= Q(**{organization_field: grant.organization_id})
        elif scope == Scope.SELF and user_field:
            condition |= Q(**{user_field: user.pk})
    return queryset.filter(condition)
