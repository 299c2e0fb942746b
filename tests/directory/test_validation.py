"""Validation in the directory's services: every bad input is a clear ValidationFailed (422) or
Conflict (409) naming the field, never an IntegrityError, and leaves nothing behind."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from nesta.accounts.models import RoleAssignment
from nesta.accounts.services import role_grant
from nesta.core.errors import Conflict, ValidationFailed
from nesta.core.models import AuditLog, Region
from nesta.directory.models import Affiliation, Organization, Person
from nesta.directory.services import organization_create, organization_update, person_create
from nesta.directory.validators import make_uscc, org_code_check_char, uscc_check_char, validate_uscc
from tests.factories import PersonFactory, UserFactory

REAL_USCC = "91350100M000100Y43"  # a published code: 91 enterprise, 350100 福州, org code M000100Y-4, check 3


def _code(exc_info) -> str:
    return exc_info.value.error_list[0].code


# --- 统一社会信用代码 (GB 32100) -------------------------------------------------------------


def test_real_uscc_is_valid():
    validate_uscc(REAL_USCC)
    validate_uscc(REAL_USCC.lower())  # case does not matter; services store it upper-case
    assert uscc_check_char(REAL_USCC[:17]) == "3"
    assert org_code_check_char("M000100Y") == "4"


@pytest.mark.parametrize("last", [c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != "3"])
def test_every_other_check_character_is_refused(last):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(REAL_USCC[:17] + last)
    assert _code(exc) == "uscc_checksum"


@pytest.mark.parametrize("value", ["", REAL_USCC[:17], REAL_USCC + "0", "9135010"])
def test_wrong_length(value):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(value)
    assert _code(exc) == "uscc_length"


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_gb32100_leaves_out(letter):
    value = REAL_USCC[:10] + letter + REAL_USCC[11:]
    assert len(value) == 18
    with pytest.raises(ValidationError) as exc:
        validate_uscc(value)
    assert _code(exc) == "uscc_chars"
    assert letter in str(exc.value.messages[0])


def test_region_part_must_be_digits():
    first17 = "91A50100M000100Y4"
    with pytest.raises(ValidationError) as exc:
        validate_uscc(first17 + uscc_check_char(first17))
    assert _code(exc) == "uscc_region"


def test_make_uscc_builds_valid_codes():
    code = make_uscc("9", "1", "210100", "MA0ABCDE")
    assert len(code) == 18 and code.startswith("91210100MA0ABCDE")
    validate_uscc(code)
    assert make_uscc("9", "1", "350100", "M000100Y") == REAL_USCC


def _org_data(**extra):
    return {"name": "校验测试企业", "kind": "enterprise", "province": "210000", "city": "210100", **extra}


def test_create_stores_uscc_upper_case(users):
    org = organization_create(actor=users["office"], data=_org_data(uscc=" " + REAL_USCC.lower() + " "))
    assert Organization.objects.get(pk=org.pk).uscc == REAL_USCC


def test_bad_uscc_through_the_service(users):
    with pytest.raises(ValidationFailed) as exc:
        organization_create(actor=users["office"], data=_org_data(uscc=REAL_USCC[:17] + "4"))
    assert exc.value.status == 422
    assert exc.value.details == {"uscc": ["统一社会信用代码校验位不正确。"]}
    assert not Organization.objects.filter(name="校验测试企业").exists()


def test_blank_uscc_is_none_so_many_organisations_may_lack_one(users):
    a = organization_create(actor=users["office"], data=_org_data(uscc=""))
    b = organization_create(actor=users["office"], data=_org_data(name="另一家", uscc=None))
    assert Organization.objects.filter(pk__in=[a.pk, b.pk], uscc__isnull=True).count() == 2


def test_duplicate_uscc_is_a_clear_validation_error(users):
    organization_create(actor=users["office"], data=_org_data(uscc=REAL_USCC))
    audit_rows = AuditLog.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        organization_create(actor=users["office"], data=_org_data(name="冒用代码企业", uscc=REAL_USCC.lower()))
    assert exc.value.status == 422
    assert list(exc.value.details) == ["uscc"]
    assert "统一社会信用代码" in exc.value.details["uscc"][0]
    assert Organization.objects.filter(uscc=REAL_USCC).count() == 1
    assert not Organization.objects.filter(name="冒用代码企业").exists()
    assert AuditLog.objects.count() == audit_rows


def test_duplicate_uscc_that_slips_past_validation_is_a_conflict(users, monkeypatch):
    """A concurrent insert passes validate_unique; the database's unique index then answers 409."""
    first = organization_create(actor=users["office"], data=_org_data(uscc=REAL_USCC))
    other = organization_create(actor=users["office"], data=_org_data(name="后来者"))
    audit_rows = AuditLog.objects.count()
    monkeypatch.setattr(Organization, "validate_unique", lambda self, exclude=None: None)
    with pytest.raises(Conflict) as exc:
        organization_update(actor=users["office"], organization=other, data={"uscc": REAL_USCC})
    assert (exc.value.status, exc.value.code) == (409, "duplicate_uscc")
    assert Organization.objects.get(pk=other.pk).uscc is None
    assert Organization.objects.get(pk=first.pk).uscc == REAL_USCC
    assert AuditLog.objects.count() == audit_rows
    # The transaction is still usable after the failed insert.
    assert Organization.objects.filter(uscc=REAL_USCC).count() == 1


# --- regions, taxonomy, fields ---------------------------------------------------------------


@pytest.mark.parametrize(
    "extra,field",
    [
        ({"province": "210000", "city": "220100"}, "city"),  # 长春 is in Jilin
        ({"province": "220000", "city": "210213"}, "city"),  # a district is not a city
        ({"province": "990000"}, "province"),
        ({"province": "210100"}, "province"),  # a city code is not a province
        ({"city": "210199"}, "city"),
        ({"fields": ["superalloys", "unobtainium"]}, "fields"),
        ({"fields": "superalloys"}, "fields"),
        ({"kind": "spaceship"}, "kind"),
        ({"postal_code": "11000"}, "postal_code"),
        ({"contact_phone": "电话号码"}, "contact_phone"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"website": "not a url"}, "website"),
        ({"name": ""}, "name"),
        ({"name": "名" * 121}, "name"),
    ],
)
def test_bad_organisation_input(users, extra, field):
    before = (Organization.objects.count(), AuditLog.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        organization_create(actor=users["office"], data=_org_data(**extra))
    assert list(exc.value.details) == [field]
    assert exc.value.status == 422 and exc.value.code == "validation_error"
    assert (Organization.objects.count(), AuditLog.objects.count()) == before


def test_city_not_in_province_message(users):
    with pytest.raises(ValidationFailed) as exc:
        organization_create(actor=users["office"], data=_org_data(city="220100"))
    assert exc.value.details == {"city": ["城市不属于所选省份。"]}


def test_moving_province_without_city_keeps_city_check(users, org_ln):
    with pytest.raises(ValidationFailed) as exc:
        organization_update(actor=users["office"], organization=org_ln, data={"province": "220000"})
    assert exc.value.details == {"city": ["城市不属于所选省份。"]}


def test_unknown_fields_are_named(users, org_ln):
    with pytest.raises(ValidationFailed) as exc:
        organization_create(actor=users["office"], data=_org_data(colour="红", reference_key="x"))
    assert exc.value.details == {"colour": ["不支持的字段。"], "reference_key": ["不支持的字段。"]}
    with pytest.raises(ValidationFailed) as exc:
        organization_update(actor=users["office"], organization=org_ln, data={"id": 5})
    assert exc.value.details == {"id": ["不支持的字段。"]}
    with pytest.raises(ValidationFailed) as exc:
        person_create(actor=users["office"], data={"name": "某", "user": 1})
    assert exc.value.details == {"user": ["不支持的字段。"]}


def test_missing_required_fields(users):
    with pytest.raises(ValidationFailed) as exc:
        organization_create(actor=users["office"], data={})
    assert exc.value.details == {k: ["此字段为必填项。"] for k in ("name", "kind", "province")}
    with pytest.raises(ValidationFailed) as exc:
        organization_create(actor=users["office"], data={"name": "无省份", "kind": "enterprise"})
    assert exc.value.details == {"province": ["请选择省份。"]}


# --- the zone of an organisation ---------------------------------------------------------------


def test_zone_must_be_a_high_tech_zone(users, org_ln):
    with pytest.raises(ValidationFailed) as exc:
        organization_create(actor=users["office"], data=_org_data(zone=org_ln.pk))
    assert exc.value.details == {"zone": ["所选机构不是国家高新区。"]}
    for bad in ("abc", 987654, "²", "١٢", "99999999999999999999"):
        with pytest.raises(ValidationFailed) as exc:
            organization_create(actor=users["office"], data=_org_data(zone=bad))
        assert exc.value.details == {"zone": ["机构不存在。"]}
    zone = Organization.objects.get(reference_key="zone-shenyang")
    org = organization_create(actor=users["office"], data=_org_data(zone=zone.pk))
    assert org.zone_id == zone.pk


# --- people ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data,field",
    [
        ({"email": "bad"}, "email"),
        ({"phone": "abc"}, "phone"),
        ({"gender": "X"}, "gender"),
        ({"organization": "abc"}, "organization"),
        ({"organization": 10**9}, "organization"),
        ({"fields": ["nope"]}, "fields"),
        ({"expert": "yes"}, "expert"),
        ({"expert": {"foo": 1}}, "expert.foo"),
        ({"expert": {"max_reviews_per_year": -1}}, "expert.max_reviews_per_year"),
        ({"affiliations": {"organization": 1}}, "affiliations"),
        ({"affiliations": ["x"]}, "affiliations[0]"),
        ({"affiliations": [{"role_title": "顾问"}]}, "affiliations[0].organization"),
    ],
)
def test_bad_person_input(users, org_ln, data, field):
    with pytest.raises(ValidationFailed) as exc:
        person_create(actor=users["office"], data={"name": "校验人员", **data})
    assert list(exc.value.details) == [field]
    assert not Person.objects.filter(name="校验人员").exists()


def test_affiliation_years_ordered(users, org_ln, org_jl):
    ok = person_create(
        actor=users["office"],
        data={
            "name": "履历人员",
            "affiliations": [
                {"organization": org_ln.pk, "start_year": 2000, "end_year": 2000},
                {"organization": org_jl.pk, "start_year": 2001},
            ],
        },
    )
    assert ok.affiliations.count() == 2
    with pytest.raises(ValidationFailed) as exc:
        person_create(
            actor=users["office"],
            data={
                "name": "倒序履历",
                "affiliations": [{"organization": org_ln.pk, "start_year": 2008, "end_year": 2004}],
            },
        )
    assert exc.value.details == {"affiliations[0].end_year": ["结束年份不能早于起始年份。"]}
    with pytest.raises(ValidationFailed) as exc:  # years as strings are converted, then checked
        person_create(
            actor=users["office"],
            data={
                "name": "倒序履历",
                "affiliations": [{"organization": org_ln.pk, "start_year": "2008", "end_year": "2004"}],
            },
        )
    assert exc.value.details == {"affiliations[0].end_year": ["结束年份不能早于起始年份。"]}
    with pytest.raises(ValidationFailed) as exc:
        person_create(
            actor=users["office"],
            data={"name": "坏年份", "affiliations": [{"organization": org_ln.pk, "start_year": "两千年"}]},
        )
    assert list(exc.value.details) == ["affiliations[0].start_year"]
    assert not Person.objects.filter(name__in=["倒序履历", "坏年份"]).exists()
    # The database enforces it too, for any path that skips the service.
    person = PersonFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Affiliation.objects.create(person=person, organization=org_ln, start_year=2008, end_year=2004)


# --- role assignments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,scope,details",
    [
        ("province", None, {"province": ["省科技厅角色须指定省份。"]}),
        ("province", "org", {"province": ["省科技厅角色须指定省份。"], "organization": ["省科技厅角色不能指定机构。"]}),
        ("province", "both", {"organization": ["省科技厅角色不能指定机构。"]}),
        ("member", None, {"organization": ["该角色须指定所属机构。"]}),
        ("member", "province", {"organization": ["该角色须指定所属机构。"]}),
        ("org_admin", None, {"organization": ["该角色须指定所属机构。"]}),
        ("instrument_manager", None, {"organization": ["该角色须指定所属机构。"]}),
        ("office", "province", {"province": ["该角色不限定省份。"]}),
        ("office", "org", {"organization": ["该角色不限定机构。"]}),
        ("expert", "both", {"province": ["该角色不限定省份。"], "organization": ["该角色不限定机构。"]}),
    ],
)
def test_role_scope_must_match(users, org_ln, role, scope, details):
    user = UserFactory(username="grantee")
    province = Region.objects.get(code="210000") if scope in ("province", "both") else None
    organization = org_ln if scope in ("org", "both") else None
    with pytest.raises(ValidationFailed) as exc:
        role_grant(actor=users["office"], user=user, role=role, province=province, organization=organization)
    assert exc.value.details == details
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert not AuditLog.objects.filter(object_type="accounts.roleassignment").exists()
    # The database enforces it too (role_scope_matches), for any path that skips the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=role, province=province, organization=organization)


@pytest.mark.parametrize(
    "role,scope",
    [("province", "province"), ("member", "org"), ("org_admin", "org"), ("office", None), ("expert", None)],
)
def test_role_grant_valid(users, org_ln, role, scope):
    user = UserFactory(username="grantee")
    province = Region.objects.get(code="210000") if scope == "province" else None
    organization = org_ln if scope == "org" else None
    assignment = role_grant(actor=users["office"], user=user, role=role, province=province, organization=organization)
    log = AuditLog.objects.get(object_type="accounts.roleassignment")
    assert (log.actor, log.action, log.object_id, log.changes) == (
        users["office"],
        "role.granted",
        str(assignment.pk),
        {"role": [None, role]},
    )


def test_role_grant_unknown_role(users):
    with pytest.raises(ValidationFailed) as exc:
        role_grant(actor=users["office"], user=UserFactory(), role="king")
    assert "role" in exc.value.details
