"""The permission matrix through the directory's services: allowed writes land (with one audit
row), refused writes raise 401/403 and leave no row, no search document and no audit entry."""

import pytest

from nesta.core.errors import NotAuthenticated, PermissionDenied
from nesta.core.models import AuditLog, SearchDocument
from nesta.directory.models import Organization, Person
from nesta.directory.services import organization_create, organization_update, person_create, person_update
from tests.core.world import ROLES, module_world


@pytest.fixture(scope="module")
def world(reference_module, django_db_blocker):
    with module_world(django_db_blocker) as w:
        yield w


def _refused(role):
    return pytest.raises(NotAuthenticated if role == "anonymous" else PermissionDenied)


def _counts():
    return (
        Organization.objects.count(),
        Person.objects.count(),
        SearchDocument.objects.count(),
        AuditLog.objects.count(),
    )


# Columns: 辽宁 (the province role's own), 吉林.
CREATE_ORG = {
    "office": "YY",
    "province": "Y.",
    "org_admin": "..",
    "instrument_manager": "..",
    "expert": "..",
    "member": "..",
    "finance": "..",
    "anonymous": "..",
}
PROVINCE_CITY = [("210000", "210200"), ("220000", "220500")]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("column", [0, 1], ids=["liaoning", "jilin"])
def test_organization_create(db, world, role, column):
    province, city = PROVINCE_CITY[column]
    data = {"name": "矩阵新建机构", "kind": "enterprise", "province": province, "city": city}
    before = _counts()
    if CREATE_ORG[role][column] == "Y":
        org = organization_create(actor=world.users[role], data=data)
        assert (org.province.code, org.city.code) == (province, city)
        log = AuditLog.objects.get(object_type="directory.organization", object_id=str(org.pk))
        assert (log.actor, log.action) == (world.users[role], "organization.created")
        assert _counts() == (before[0] + 1, before[1], before[2] + 1, before[3] + 1)
    else:
        with _refused(role):
            organization_create(actor=world.users[role], data=data)
        assert _counts() == before
        assert not Organization.objects.filter(name="矩阵新建机构").exists()


# Columns: org_ln (own), org_ln2 (same province), org_jl (other province).
CHANGE_ORG = {
    "office": "YYY",
    "province": "YY.",
    "org_admin": "Y..",
    "instrument_manager": "...",
    "expert": "...",
    "member": "...",
    "finance": "...",
    "anonymous": "...",
}
ORGS = ["org_ln", "org_ln2", "org_jl"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("column", [0, 1, 2], ids=ORGS)
def test_organization_update(db, world, role, column):
    org = getattr(world, ORGS[column])
    before = _counts()
    if CHANGE_ORG[role][column] == "Y":
        organization_update(actor=world.users[role], organization=org, data={"description": "矩阵修改后的简介"})
        assert Organization.objects.get(pk=org.pk).description == "矩阵修改后的简介"
        log = AuditLog.objects.get(
            object_type="directory.organization", object_id=str(org.pk), action="organization.updated"
        )
        assert log.actor == world.users[role]
        assert log.changes == {"description": ["", "矩阵修改后的简介"]}
        assert _counts() == (before[0], before[1], before[2], before[3] + 1)
    else:
        with _refused(role):
            organization_update(actor=world.users[role], organization=org, data={"description": "矩阵修改后的简介"})
        assert Organization.objects.get(pk=org.pk).description == ""
        assert _counts() == before


# Columns: a new person in org_ln, org_ln2, org_jl.
CREATE_PERSON = CHANGE_ORG


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("column", [0, 1, 2], ids=ORGS)
def test_person_create(db, world, role, column):
    org = getattr(world, ORGS[column])
    data = {"name": "矩阵新人", "organization": org.pk, "keywords": "稀土 永磁"}
    before = _counts()
    if CREATE_PERSON[role][column] == "Y":
        person = person_create(actor=world.users[role], data=data)
        assert person.organization_id == org.pk
        log = AuditLog.objects.get(object_type="directory.person", object_id=str(person.pk))
        assert (log.actor, log.action) == (world.users[role], "person.created")
        assert _counts() == (before[0], before[1] + 1, before[2] + 1, before[3] + 1)
    else:
        with _refused(role):
            person_create(actor=world.users[role], data=data)
        assert _counts() == before
        assert not Person.objects.filter(name="矩阵新人").exists()


def test_person_without_organisation_only_by_office(db, world):
    person_create(actor=world.users["office"], data={"name": "独立专家"})
    for role in ("province", "org_admin"):
        with pytest.raises(PermissionDenied):
            person_create(actor=world.users[role], data={"name": "独立专家"})
    assert Person.objects.filter(name="独立专家").count() == 1


# Columns: p_ln, p_ln2, p_jl, the user's own record.
CHANGE_PERSON = {
    "office": "YYYY",
    "province": "YY..",
    "org_admin": "Y...",
    "instrument_manager": "...Y",
    "expert": "...Y",
    "member": "...Y",
    "finance": "....",
    "anonymous": "....",
}
PEOPLE = ["p_ln", "p_ln2", "p_jl", "own"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("column", [0, 1, 2, 3], ids=PEOPLE)
def test_person_update(db, world, role, column):
    if PEOPLE[column] == "own":
        person = world.own.get(role, world.own["member"])  # anonymous has no record: try someone's
    else:
        person = getattr(world, PEOPLE[column])
    before = _counts()
    if CHANGE_PERSON[role][column] == "Y":
        person_update(actor=world.users[role], person=person, data={"title": "教授"})
        assert Person.objects.get(pk=person.pk).title == "教授"
        log = AuditLog.objects.get(object_type="directory.person", object_id=str(person.pk), action="person.updated")
        assert log.actor == world.users[role]
        assert log.changes == {"title": ["研究员", "教授"]}
        assert _counts() == (before[0], before[1], before[2], before[3] + 1)
    else:
        with _refused(role):
            person_update(actor=world.users[role], person=person, data={"title": "教授"})
        assert Person.objects.get(pk=person.pk).title == "研究员"
        assert _counts() == before


# --- structural changes need the create permission at both ends ------------------------------


def test_org_admin_may_not_change_what_its_organisation_is(db, world):
    with pytest.raises(PermissionDenied):
        organization_update(actor=world.users["org_admin"], organization=world.org_ln, data={"kind": "enterprise"})
    assert Organization.objects.get(pk=world.org_ln.pk).kind == "research_institute"
    # Re-stating the same kind is no change, so it is allowed (and writes no audit row).
    organization_update(actor=world.users["org_admin"], organization=world.org_ln, data={"kind": "research_institute"})
    assert not AuditLog.objects.filter(object_type="directory.organization", action="organization.updated").exists()


def test_province_may_change_kind_but_not_move_an_organisation_out(db, world):
    province = world.users["province"]
    organization_update(actor=province, organization=world.org_ln, data={"kind": "enterprise"})
    assert Organization.objects.get(pk=world.org_ln.pk).kind == "enterprise"
    with pytest.raises(PermissionDenied):
        organization_update(actor=province, organization=world.org_ln2, data={"province": "220000", "city": "220100"})
    org = Organization.objects.select_related("province", "city").get(pk=world.org_ln2.pk)
    assert (org.province.code, org.city.code) == ("210000", "210200")
    # Nor pull one in from another province.
    with pytest.raises(PermissionDenied):
        organization_update(actor=province, organization=world.org_jl, data={"province": "210000", "city": "210100"})


def test_office_may_move_an_organisation(db, world):
    org = organization_update(
        actor=world.users["office"], organization=world.org_ln2, data={"province": "220000", "city": "220100"}
    )
    assert (org.province.code, org.city.code) == ("220000", "220100")
    log = AuditLog.objects.get(
        object_type="directory.organization", object_id=str(org.pk), action="organization.updated"
    )
    assert set(log.changes) == {"province", "city"}


def test_moving_a_person_is_adding_them_there(db, world):
    with pytest.raises(PermissionDenied):
        person_update(actor=world.users["org_admin"], person=world.p_ln, data={"organization": world.org_jl.pk})
    assert Person.objects.get(pk=world.p_ln.pk).organization_id == world.org_ln.pk
    with pytest.raises(PermissionDenied):
        person_update(actor=world.users["member"], person=world.own["member"], data={"organization": world.org_ln.pk})
    person_update(actor=world.users["province"], person=world.p_ln, data={"organization": world.org_ln2.pk})
    assert Person.objects.get(pk=world.p_ln.pk).organization_id == world.org_ln2.pk
