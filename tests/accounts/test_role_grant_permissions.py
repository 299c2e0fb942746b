"""Who may grant which role where (issue 7, C.17): the office grants anything; a province grants
within its province (its province's role, roles in its organisations); an organisation admin
grants member / instrument_manager in its own organisation; nobody else grants anything."""

import pytest

from nesta.accounts.models import RoleAssignment
from nesta.accounts.services import role_grant
from nesta.core.errors import NotAuthenticated, PermissionDenied
from nesta.core.models import AuditLog
from nesta.core.permissions import POLICY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# (role granted, where) → the granting roles allowed. "ln" = Liaoning / an org in Liaoning (the
# users fixture's province and organisation), "jl" = Jilin / an org in Jilin.
ALLOWED = {
    ("office", None): {"office"},
    ("expert", None): {"office"},
    ("province", "ln"): {"office", "province"},
    ("province", "jl"): {"office"},
    ("org_admin", "ln"): {"office", "province"},
    ("org_admin", "jl"): {"office"},
    ("instrument_manager", "ln"): {"office", "province", "org_admin"},
    ("instrument_manager", "jl"): {"office"},
    ("member", "ln"): {"office", "province", "org_admin"},
    ("member", "jl"): {"office"},
}
GRANTERS = ["office", "province", "org_admin", "instrument_manager", "expert", "member"]


@pytest.mark.parametrize("granter", GRANTERS)
@pytest.mark.parametrize(("role", "where"), list(ALLOWED))
def test_role_grant_matrix(users, liaoning, jilin, org_ln, org_jl, granter, role, where):
    kwargs = {}
    if role == "province":
        kwargs["province"] = liaoning if where == "ln" else jilin
    elif where:
        kwargs["organization"] = org_ln if where == "ln" else org_jl
    grantee = UserFactory(username=f"grantee_{granter}_{role}_{where}")
    if granter in ALLOWED[(role, where)]:
        assignment = role_grant(actor=users[granter], user=grantee, role=role, **kwargs)
        assert assignment.pk and AuditLog.objects.filter(action="role.granted", actor=users[granter]).exists()
    else:
        with pytest.raises(PermissionDenied):
            role_grant(actor=users[granter], user=grantee, role=role, **kwargs)
        assert not RoleAssignment.objects.filter(user=grantee).exists()


def test_anonymous_cannot_grant(reference, org_ln):
    with pytest.raises(NotAuthenticated):
        role_grant(actor=None, user=UserFactory(username="anon_target"), role="member", organization=org_ln)


def test_the_grant_actions_are_declared_in_the_policy():
    assert {
        f"role.grant.{r}" for r in ("office", "province", "org_admin", "instrument_manager", "expert", "member")
    } <= set(POLICY)
