"""The incubators' register and their tenants: who may write (per role), validation codes, audit
rows, nothing left behind on a refused write."""

import datetime as dt

import pytest

from nesta.core.errors import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.zones.models import Incubator, Tenant
from nesta.zones.services import incubators as services
from tests.factories import OrganizationFactory
from tests.zones import test_incubator_support as support
from tests.zones.test_incubator_support import TenantFactory

world = support.world

pytestmark = pytest.mark.django_db


def _register(actor, org, **over):
    data = {"organization": org.pk, "kind": "business_center", "level": "provincial",
            "established_on": "2010-06-01", "space_m2": 8000, "services": ["space", "financing"]}  # fmt: skip
    data.update(over)
    return services.incubator_register(actor=actor, data=data)


def test_a_province_registers_incubators_in_its_province_only(world, zones):
    ln = OrganizationFactory(kind="incubator", name="大连高新区创业服务中心", city_code="210200")
    jl = OrganizationFactory(kind="incubator", name="长春留学人员创业园", province_code="220000", city_code="220100")
    with pytest.raises(PermissionDenied):
        _register(world["province"], jl)
    for who in ("admin", "member", "committee", "outsider"):
        with pytest.raises(PermissionDenied):
            _register(world[who], ln)
    with pytest.raises(NotAuthenticated):
        from django.contrib.auth.models import AnonymousUser

        _register(AnonymousUser(), ln)
    assert not Incubator.objects.filter(organization__in=[ln, jl]).exists()
    incubator = _register(world["province"], ln, zone=zones["shenyang"].pk, manager_name="王东")
    assert (incubator.zone_id, incubator.services, incubator.manager_name) == (
        zones["shenyang"].pk, ["space", "financing"], "王东",
    )  # fmt: skip
    entry = AuditLog.objects.get(action="incubator.created", object_id=str(incubator.pk))
    assert entry.changes["space_m2"] == [None, 8000]
    returnee = _register(world["jilin"], jl, kind="returnee_park")
    assert returnee.get_kind_display() == "海外学子创业园"
    with pytest.raises(Conflict) as exc:
        _register(world["office"], ln)
    assert exc.value.code == "incubator_exists"


@pytest.mark.parametrize(
    "over,field,code",
    [
        ({"kind": "science_park"}, "organization", "organization_kind_mismatch"),  # an incubator org, not a park
        ({"kind": "factory"}, "kind", "invalid_incubator"),
        ({"space_m2": 0}, "space_m2", "validation_error"),
        ({"space_m2": 10_000_001}, "space_m2", "validation_error"),
        ({"established_on": "1979-12-31"}, "established_on", "validation_error"),
        ({"established_on": "2999-01-01"}, "established_on", "validation_error"),
        ({"services": ["space", "casino"]}, "services", "unknown_service"),
        ({"services": "space"}, "services", "invalid_incubator"),
        ({"manager_name": "王\x07"}, "manager_name", "validation_error"),
        ({"zone": "changchun"}, "zone", "invalid_zone"),  # a Jilin zone for a Liaoning incubator
        ({"zone": "not-a-zone"}, "zone", "invalid_zone"),
        ({"level": "city"}, "level", "invalid_incubator"),
    ],
)
def test_registration_is_validated(world, zones, over, field, code):
    org = OrganizationFactory(kind="incubator", name="沈阳浑南科技企业孵化器")
    if over.get("zone") == "changchun":
        over = {"zone": zones["changchun"].pk}
    elif over.get("zone") == "not-a-zone":
        over = {"zone": OrganizationFactory(kind="enterprise").pk}
    with pytest.raises(ValidationFailed) as exc:
        _register(world["office"], org, **over)
    assert field in exc.value.details and exc.value.code == code


def test_update_by_the_province_and_audit(world):
    a = world["a"]
    with pytest.raises(PermissionDenied):
        services.incubator_update(actor=world["jilin"], incubator_id=a.pk, data={"space_m2": 1})
    with pytest.raises(PermissionDenied):
        services.incubator_update(actor=world["admin"], incubator_id=a.pk, data={"space_m2": 1})
    services.incubator_update(actor=world["province"], incubator_id=a.pk, data={"space_m2": 12000, "zone": None})
    a.refresh_from_db()
    assert (a.space_m2, a.zone_id) == (12000, None)
    changes = AuditLog.objects.get(action="incubator.updated", object_id=str(a.pk)).changes
    assert changes["space_m2"] == [10000, 12000]
    services.incubator_update(actor=world["province"], incubator_id=a.pk, data={"space_m2": 12000})
    assert AuditLog.objects.filter(action="incubator.updated").count() == 1  # no change, no row


def _tenant(actor, incubator, **over):
    data = {"name": "沈阳新松智能科技有限公司", "founded_on": "2022-01-10", "entered_on": "2022-03-01",
            "employees": 25, "revenue": "3500000.50", "is_private_tech": True, "field": "new-materials"}  # fmt: skip
    data.update(over)
    return services.tenant_create(actor=actor, incubator_id=incubator.pk, data=data)


def test_the_incubators_people_record_their_own_tenants(world):
    a, b = world["a"], world["b"]
    for who in ("member", "admin", "province", "office"):
        t = _tenant(world[who], a)
        assert t.incubator_id == a.pk
    for who in ("b_admin", "jilin", "committee", "outsider"):
        with pytest.raises(PermissionDenied):
            _tenant(world[who], a)
    t = _tenant(world["b_admin"], b)
    entry = AuditLog.objects.get(action="tenant.created", object_id=str(t.pk))
    assert entry.changes["revenue"] == [None, "3500000.50"] and entry.changes["is_private_tech"] == [None, True]


@pytest.mark.parametrize(
    "over,field",
    [
        ({"entered_on": "2021-12-31"}, "entered_on"),  # before it was founded
        ({"graduated_on": "2022-02-28"}, "graduated_on"),  # before it entered
        ({"left_on": "2022-02-01"}, "left_on"),
        ({"graduated_on": "2023-01-01", "left_on": "2023-02-01"}, "left_on"),  # both
        ({"founded_on": "1949-12-31"}, "founded_on"),
        ({"entered_on": "2999-01-01"}, "entered_on"),  # in the future
        ({"employees": -1}, "employees"),
        ({"employees": 1_000_001}, "employees"),
        ({"revenue": "-1"}, "revenue"),
        ({"revenue": "1.001"}, "revenue"),
        ({"revenue": "1e20"}, "revenue"),
        ({"name": ""}, "name"),
        ({"name": "a\nb"}, "name"),
        ({"field": "no-such-field"}, "field"),
        ({"is_private_tech": "yes"}, "is_private_tech"),
    ],
)
def test_tenant_records_are_consistent(world, over, field):
    with pytest.raises(ValidationFailed) as exc:
        _tenant(world["admin"], world["a"], **over)
    assert field in exc.value.details
    assert not Tenant.objects.exists()


def test_graduate_and_leave(world):
    t = TenantFactory(incubator=world["a"])
    with pytest.raises(PermissionDenied):
        services.tenant_graduate(actor=world["b_admin"], tenant_id=t.pk, on="2024-06-30")
    services.tenant_graduate(actor=world["member"], tenant_id=t.pk, on="2024-06-30")
    t.refresh_from_db()
    assert t.graduated_on == dt.date(2024, 6, 30)
    assert AuditLog.objects.get(action="tenant.graduated").changes == {"graduated_on": [None, "2024-06-30"]}
    with pytest.raises(Conflict) as exc:
        services.tenant_leave(actor=world["member"], tenant_id=t.pk, on="2024-07-01")
    assert exc.value.code == "tenant_not_present"
    u = TenantFactory(incubator=world["a"])
    with pytest.raises(ValidationFailed):
        services.tenant_leave(actor=world["admin"], tenant_id=u.pk, on="2021-01-01")  # before it entered
    services.tenant_leave(actor=world["admin"], tenant_id=u.pk)
    u.refresh_from_db()
    assert u.left_on is not None and AuditLog.objects.filter(action="tenant.left").count() == 1


def test_tenant_update_keeps_dates_consistent(world):
    t = TenantFactory(incubator=world["a"])
    with pytest.raises(ValidationFailed):
        services.tenant_update(actor=world["admin"], tenant_id=t.pk, data={"entered_on": "2019-01-01"})
    services.tenant_update(actor=world["admin"], tenant_id=t.pk, data={"employees": 30, "field": None})
    t.refresh_from_db()
    assert t.employees == 30
    assert AuditLog.objects.get(action="tenant.updated").changes == {"employees": [10, 30]}
