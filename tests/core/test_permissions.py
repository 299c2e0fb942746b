"""The permission matrix: role × action × scope, with the expected outcome written out by hand.

Scopes (columns of each row below):
    own_org         a record of org_ln (沈阳, Liaoning): the org roles' own organisation
    same_province   a record of org_ln2 (大连, Liaoning): same province, other organisation
    other_province  a record of org_jl (长春, Jilin)
    own_record      the user's own person record (in no organisation)
    anywhere        no target: "may they do it anywhere at all?"
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from nesta.core.errors import NotAuthenticated, PermissionDenied
from nesta.core.models import AuditLog
from nesta.core.permissions import POLICY, PUBLIC_ACTIONS, Target, can, grants_of, require, restrict
from nesta.directory.models import Organization, Person
from tests.bases.permission_rows import ROWS as BASE_ROWS
from tests.core.world import ROLES, module_world
from tests.factories import UserFactory, grant
from tests.instruments.permission_rows import ROWS as INSTRUMENT_ROWS
from tests.market.permission_rows import ROWS as MARKET_ROWS
from tests.programmes.permission_rows import ROWS as PROGRAMME_ROWS
from tests.zones.permission_rows import ROWS as ZONE_ROWS

SCOPES = ("own_org", "same_province", "other_province", "own_record", "anywhere")
ALL = "YYYYY"
NONE = "....."

# Y = allowed, . = refused; one character per scope, in the order of SCOPES. Each app's rows live
# beside its tests (tests/<app>/permission_rows.py); core's, the directory's and accounts' are here.
EXPECTED: dict[str, dict[str, str]] = {
    "organization.create": {
        "office": ALL,
        "province": "YY..Y",
        "org_admin": NONE,
        "instrument_manager": NONE,
        "expert": NONE,
        "member": NONE,
        "finance": NONE,
        "anonymous": NONE,
    },
    "organization.change": {
        "office": ALL,
        "province": "YY..Y",
        "org_admin": "Y...Y",
        "instrument_manager": NONE,
        "expert": NONE,
        "member": NONE,
        "finance": NONE,
        "anonymous": NONE,
    },
    "person.create": {
        "office": ALL,
        "province": "YY..Y",
        "org_admin": "Y...Y",
        "instrument_manager": NONE,
        "expert": NONE,
        "member": NONE,
        "finance": NONE,
        "anonymous": NONE,
    },
    "person.change": {
        "office": ALL,
        "province": "YY..Y",
        "org_admin": "Y...Y",
        "instrument_manager": "...YY",
        "expert": "...YY",
        "member": "...YY",
        "finance": NONE,
        "anonymous": NONE,
    },
    "person.view_contact": {
        "office": ALL,
        "province": "YY..Y",
        "org_admin": "Y...Y",
        "instrument_manager": "...YY",
        "expert": "...YY",
        "member": "...YY",
        "finance": NONE,
        "anonymous": NONE,
    },
    "audit.view": {
        "office": ALL,
        "province": NONE,
        "org_admin": NONE,
        "instrument_manager": NONE,
        "expert": NONE,
        "member": NONE,
        "finance": NONE,
        "anonymous": NONE,
    },
    **INSTRUMENT_ROWS,
    # Role grants (accounts): where the granted role takes effect.
    **{f"role.grant.{role}": {**dict.fromkeys(ROLES, NONE), "office": ALL} for role in ("office", "expert", "finance")},
    **{
        f"role.grant.{role}": {**dict.fromkeys(ROLES, NONE), "office": ALL, "province": "YY..Y"}
        for role in ("province", "org_admin")
    },
    **{
        f"role.grant.{role}": {**dict.fromkeys(ROLES, NONE), "office": ALL, "province": "YY..Y", "org_admin": "Y...Y"}
        for role in ("instrument_manager", "member")
    },
    # Public catalogues: anyone, logged in or not, anywhere.
    "instrument.view": dict.fromkeys(ROLES, ALL),
    "openness.view": dict.fromkeys(ROLES, ALL),
    "organization.view": dict.fromkeys(ROLES, ALL),
    "person.view": dict.fromkeys(ROLES, ALL),
    "region.view": dict.fromkeys(ROLES, ALL),
    "taxonomy.view": dict.fromkeys(ROLES, ALL),
    **MARKET_ROWS,
    **PROGRAMME_ROWS,
    **BASE_ROWS,
    **ZONE_ROWS,
}

CASES = [
    pytest.param(role, action, i, id=f"{role}-{action}-{scope}")
    for action in EXPECTED
    for role in ROLES
    for i, scope in enumerate(SCOPES)
]


@pytest.fixture(scope="module")
def world(reference_module, django_db_blocker):
    with module_world(django_db_blocker) as w:
        yield w


def _target(world, role: str, scope: str) -> Target | None:
    user = world.users[role]
    return {
        "own_org": Target(province_code="210000", organization_id=world.org_ln.pk),
        "same_province": Target(province_code="210000", organization_id=world.org_ln2.pk),
        "other_province": Target(province_code="220000", organization_id=world.org_jl.pk),
        "own_record": Target(user_id=user.pk),
        "anywhere": None,
    }[scope]


def test_the_table_covers_every_action_and_role():
    assert set(EXPECTED) == set(POLICY) | PUBLIC_ACTIONS
    for action, row in EXPECTED.items():
        assert list(row) == ROLES, action
        assert all(len(cells) == len(SCOPES) and set(cells) <= {"Y", "."} for cells in row.values()), action


def test_each_app_declares_its_own_rows():
    """The policy is composed from the registry: core declares only its own rows."""
    from nesta.core.registry import registry

    owners = {action: registry.permission_owner(action) for action in POLICY}
    assert owners["audit.view"] == "core"
    assert owners["organization.change"] == owners["person.view_contact"] == "directory"
    assert owners["instrument.manage"] == owners["booking.cancel"] == owners["fees.view"] == "instruments"
    assert all(owners.values()), owners
    assert {"region.view", "organization.view", "instrument.view"} <= set(PUBLIC_ACTIONS)
    assert not set(POLICY) & set(PUBLIC_ACTIONS)


@pytest.mark.parametrize("role,action,scope_index", CASES)
def test_matrix(db, world, role, action, scope_index):
    user = world.users[role]
    target = _target(world, role, SCOPES[scope_index])
    expected = EXPECTED[action][role][scope_index] == "Y"

    assert can(user, action, target) is expected
    if expected:
        assert require(user, action, target) is None
    elif role == "anonymous":
        with pytest.raises(NotAuthenticated) as exc:
            require(user, action, target)
        assert exc.value.status == 401
        assert exc.value.code == "not_authenticated"
    else:
        with pytest.raises(PermissionDenied) as exc:
            require(user, action, target)
        assert exc.value.status == 403
        assert exc.value.code == "permission_denied"
        assert exc.value.details == {"action": action}


# --- the same decisions on real records (HasTarget) -------------------------------------------


@pytest.mark.parametrize(
    "role,record,expected",
    [
        ("office", "org_jl", True),
        ("province", "org_ln", True),
        ("province", "org_ln2", True),
        ("province", "org_jl", False),
        ("org_admin", "org_ln", True),
        ("org_admin", "org_ln2", False),
        ("member", "org_ln", False),
        ("anonymous", "org_ln", False),
    ],
)
def test_organization_permission_target(db, world, role, record, expected):
    org = getattr(world, record)
    assert org.permission_target() == Target(province_code=org.province.code, organization_id=org.pk)
    assert can(world.users[role], "organization.change", org) is expected


@pytest.mark.parametrize(
    "role,record,expected",
    [
        ("province", "p_ln2", True),
        ("province", "p_jl", False),
        ("org_admin", "p_ln", True),
        ("org_admin", "p_ln2", False),
        ("member", "p_ln", False),  # a colleague's record is not one's own
        ("member", "own", True),
        ("expert", "own", True),
        ("instrument_manager", "own", True),
        ("org_admin", "own", False),  # own record outside own organisation: no SELF scope for admins
        ("province", "own", False),
    ],
)
def test_person_permission_target(db, world, role, record, expected):
    person = world.own[role] if record == "own" else getattr(world, record)
    assert can(world.users[role], "person.change", person) is expected


def test_person_target_carries_organisation_and_user(db, world):
    assert world.p_ln.permission_target() == Target(
        province_code="210000", organization_id=world.org_ln.pk, user_id=None
    )
    me = world.own["member"]
    assert me.permission_target() == Target(province_code=None, organization_id=None, user_id=world.users["member"].pk)


def test_unknown_action_is_an_error_not_a_refusal(db, world):
    with pytest.raises(KeyError):
        can(world.users["office"], "organization.destroy")
    with pytest.raises(KeyError):
        restrict(world.users["office"], "organization.destroy", Organization.objects.all())


def test_superuser_without_assignments_acts_as_office(db):
    root = UserFactory(username="root", is_superuser=True)
    assert grants_of(root)[-1].role == "office"
    assert can(root, "audit.view")
    assert can(root, "organization.create", Target(province_code="230000"))


def test_user_without_assignments_may_only_do_public_actions(db):
    nobody = UserFactory(username="nobody")
    assert can(nobody, "organization.view")
    assert not can(nobody, "person.change", Target(user_id=nobody.pk))
    with pytest.raises(PermissionDenied):
        require(nobody, "organization.create")


def test_grants_are_read_once_per_user_object(db, world, django_assert_num_queries):
    from nesta.accounts.models import User

    fresh = User.objects.get(username="w_province")
    with django_assert_num_queries(1):
        for action in POLICY:
            can(fresh, action, Target(province_code="210000"))
            can(fresh, action, Target(province_code="220000"))
    assert [(g.role, g.province_code, g.organization_id) for g in grants_of(fresh)] == [("province", "210000", None)]


def test_a_user_with_two_roles_gets_the_union(db, world):
    both = grant(
        grant(UserFactory(username="w_both", organization=world.org_jl), "member", organization=world.org_jl),
        "org_admin",
        organization=world.org_ln,
    )
    assert can(both, "organization.change", world.org_ln)
    assert not can(both, "organization.change", world.org_jl)  # only a member there


# --- restrict: exactly the rows --------------------------------------------------------------

ZONES_LN = {"zone-shenyang", "zone-dalian", "zone-anshan"}


def _org_names(qs) -> set[str]:
    return {o.reference_key or o.name for o in qs}


@pytest.mark.parametrize(
    "role,expected",
    [
        ("office", "ALL"),
        ("province", {"沈阳测试研究院", "大连测试研究院", *ZONES_LN}),
        ("org_admin", {"沈阳测试研究院"}),
        ("instrument_manager", set()),
        ("expert", set()),
        ("member", set()),
        ("anonymous", set()),
    ],
)
def test_restrict_organizations(db, world, role, expected):
    qs = restrict(
        world.users[role],
        "organization.change",
        Organization.objects.select_related("province"),
        province_field="province__code",
        organization_field="pk",
    )
    if expected == "ALL":
        # 3 test organisations + the 7 national high-tech zones of the reference data
        assert qs.count() == 10
        assert _org_names(qs) == _org_names(Organization.objects.all())
    else:
        assert _org_names(qs) == expected


@pytest.mark.parametrize(
    "role,expected",
    [
        ("office", "ALL"),
        ("province", {"沈阳人员", "大连人员"}),
        ("org_admin", {"沈阳人员"}),
        ("instrument_manager", {"本人3"}),
        ("expert", {"本人4"}),
        ("member", {"本人5"}),
        ("finance", set()),
        ("anonymous", set()),
    ],
)
def test_restrict_people(db, world, role, expected):
    qs = restrict(
        world.users[role],
        "person.change",
        Person.objects.all(),
        province_field="organization__province__code",
        organization_field="organization",
        user_field="user",
    )
    names = {p.name for p in qs}
    if expected == "ALL":
        assert names == {"沈阳人员", "大连人员", "长春人员", *(f"本人{i}" for i in range(7))}
    else:
        assert names == expected


def test_restrict_without_user_field_gives_self_roles_nothing(db, world):
    qs = restrict(
        world.users["member"],
        "person.change",
        Person.objects.all(),
        province_field="organization__province__code",
        organization_field="organization",
    )
    assert list(qs) == []


def test_restrict_public_action_returns_everything_to_anonymous(db, world):
    assert restrict(AnonymousUser(), "organization.view", Organization.objects.all()).count() == 10


@pytest.mark.parametrize("role", ROLES)
def test_restrict_audit(db, world, role):
    AuditLog.objects.create(action="create", object_type="x.y", object_id="1")
    qs = restrict(world.users[role], "audit.view", AuditLog.objects.all())
    assert qs.count() == (AuditLog.objects.count() if role == "office" else 0)
    assert AuditLog.objects.count() >= 1
