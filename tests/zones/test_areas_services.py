"""The area-adjustment requests' writes: who may file and edit, each validation code, the default
current area from the zone's figures, the audit rows, nothing left behind on a refused write."""

from decimal import Decimal

import pytest

from nesta.core.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.zones.models import AreaRequest, AreaRequestStatus, ZoneYear
from nesta.zones.services.areas import area_km2, area_request_create, area_request_run, area_request_update
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
S = AreaRequestStatus


def good(**changes):
    data = {
        "title": "沈阳高新区浑南新区扩区申请",
        "current_area": "32.50",
        "requested_area": "40.00",
        "area_innovation": "12.00",
        "area_incubation": "8.00",
        "area_industrialisation": "20.00",
        "location": "东至东陵区界，西至浑河大桥",
        "justification": "现有用地已基本饱和，入区项目无地可用。",
    }
    data.update(changes)
    return data


def test_the_zone_committee_files_a_draft_and_it_is_audited(zones, zone_people):
    req = area_request_create(actor=zone_people["committee"], zone_id=zones["shenyang"].pk, data=good())
    assert req.status == S.DRAFT and req.created_by == zone_people["committee"]
    assert (req.current_area, req.requested_area, req.change) == (Decimal("32.50"), Decimal("40.00"), Decimal("7.50"))
    row = AuditLog.objects.get(object_type="zones.arearequest", object_id=str(req.pk))
    assert row.action == "area_request.created" and row.actor == zone_people["committee"]
    assert row.changes["requested_area"] == [None, "40.00"] and row.changes["title"][1] == req.title


@pytest.mark.parametrize("who", ["member", "other_committee", "province", "jilin", "office", "outsider"])
def test_only_the_zone_committee_files(zones, zone_people, who):
    with pytest.raises(PermissionDenied):
        area_request_create(actor=zone_people[who], zone_id=zones["shenyang"].pk, data=good())
    assert not AreaRequest.objects.exists() and not AuditLog.objects.filter(object_type="zones.arearequest").exists()


def test_anonymous_and_unknown_zones(zones, zone_people):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        area_request_create(actor=AnonymousUser(), zone_id=zones["shenyang"].pk, data=good())
    not_a_zone = OrganizationFactory(kind="enterprise")
    with pytest.raises(NotFound):
        area_request_create(actor=zone_people["committee"], zone_id=not_a_zone.pk, data=good())


@pytest.mark.parametrize(
    "changes,field,code",
    [
        ({"requested_area": "0"}, "requested_area", "area_out_of_range"),
        ({"requested_area": "-3"}, "requested_area", "area_out_of_range"),
        ({"requested_area": "10000.01"}, "requested_area", "area_out_of_range"),
        ({"requested_area": "40.001"}, "requested_area", "invalid_area"),
        ({"requested_area": "abc"}, "requested_area", "invalid_area"),
        ({"requested_area": "NaN"}, "requested_area", "invalid_area"),
        ({"requested_area": "Infinity"}, "requested_area", "invalid_area"),
        ({"requested_area": True}, "requested_area", "invalid_area"),
        ({"requested_area": "1" * 60}, "requested_area", "invalid_area"),
        ({"requested_area": None}, "requested_area", "area_required"),
        ({"current_area": "0"}, "current_area", "area_out_of_range"),
        ({"area_incubation": "-1"}, "area_incubation", "area_out_of_range"),
        ({"requested_area": "32.50", "area_industrialisation": "12.50"}, "requested_area", "area_unchanged"),
        ({"area_industrialisation": "19.99"}, "area_innovation", "area_uses_mismatch"),
        ({"title": ""}, "title", "validation_error"),
        ({"title": "扩区\n申请"}, "title", "validation_error"),
        ({"title": "x" * 201}, "title", "validation_error"),
        ({"justification": "理由\x00"}, "justification", "validation_error"),
        ({"justification": "   "}, "justification", "validation_error"),
        ({"location": "x" * 1001}, "location", "validation_error"),
    ],
)
def test_validation_codes(zones, zone_people, changes, field, code):
    with pytest.raises(ValidationFailed) as exc:
        area_request_create(actor=zone_people["committee"], zone_id=zones["shenyang"].pk, data=good(**changes))
    assert exc.value.code == code and field in exc.value.details
    assert not AreaRequest.objects.exists()


def test_a_missing_title_or_justification_is_required(zones, zone_people):
    data = good()
    del data["justification"]
    with pytest.raises(ValidationFailed) as exc:
        area_request_create(actor=zone_people["committee"], zone_id=zones["shenyang"].pk, data=data)
    assert exc.value.code == "required" and "justification" in exc.value.details


def test_the_current_area_defaults_to_the_latest_planned_area(zones, zone_people):
    zone = zones["shenyang"]
    data = good()
    del data["current_area"]
    with pytest.raises(ValidationFailed) as exc:
        area_request_create(actor=zone_people["committee"], zone_id=zone.pk, data=data)
    assert exc.value.code == "current_area_required"
    ZoneYear.objects.create(zone=zone, year=2023, planned_area=Decimal("28.00"))
    ZoneYear.objects.create(zone=zone, year=2024, planned_area=Decimal("30.50"))
    ZoneYear.objects.create(zone=zone, year=2025)  # no planned area given that year
    req = area_request_create(actor=zone_people["committee"], zone_id=zone.pk, data=data)
    assert req.current_area == Decimal("30.50")


def test_area_bounds_and_rounding():
    assert area_km2("10000", field="a") == Decimal("10000.00")
    assert area_km2(" 0.01 ", field="a") == Decimal("0.01")
    assert area_km2(0, field="a", positive=False) == Decimal("0.00")
    assert area_km2("1e2", field="a") == Decimal("100.00")


def _req(zones, zone_people, status=S.DRAFT, **fields):
    req = area_request_create(actor=zone_people["committee"], zone_id=zones["shenyang"].pk, data=good())
    if status != S.DRAFT or fields:
        AreaRequest.objects.filter(pk=req.pk).update(status=status, **fields)
    return req


@pytest.mark.parametrize("status", [S.DRAFT, S.RETURNED])
def test_edit_while_draft_or_returned_audits_the_diff(zones, zone_people, status):
    req = _req(zones, zone_people, status)
    data = {"requested_area": "45.00", "area_industrialisation": "25.00"}
    done = area_request_update(actor=zone_people["committee"], request_id=req.pk, data=data)
    assert done.requested_area == Decimal("45.00")
    row = AuditLog.objects.get(action="area_request.updated", object_id=str(req.pk))
    assert row.changes == {"area_industrialisation": ["20.00", "25.00"], "requested_area": ["40.00", "45.00"]}
    # saving the same values again is no change and no row
    area_request_update(actor=zone_people["committee"], request_id=req.pk, data=data)
    assert AuditLog.objects.filter(action="area_request.updated", object_id=str(req.pk)).count() == 1


@pytest.mark.parametrize("status", [S.SUBMITTED, S.ENDORSED, S.APPROVED, S.REJECTED, S.WITHDRAWN])
def test_no_edit_after_submission(zones, zone_people, status):
    req = _req(zones, zone_people, status)
    with pytest.raises(Conflict) as exc:
        area_request_update(actor=zone_people["committee"], request_id=req.pk, data={"title": "改"})
    assert exc.value.code == "invalid_state"


def test_edits_keep_the_areas_consistent(zones, zone_people):
    req = _req(zones, zone_people)
    with pytest.raises(ValidationFailed) as exc:
        area_request_update(actor=zone_people["committee"], request_id=req.pk, data={"requested_area": "41"})
    assert exc.value.code == "area_uses_mismatch"
    req.refresh_from_db()
    assert req.requested_area == Decimal("40.00")


@pytest.mark.parametrize("who", ["member", "other_committee", "province", "office"])
def test_only_the_zone_committee_edits(zones, zone_people, who):
    req = _req(zones, zone_people)
    with pytest.raises(PermissionDenied):
        area_request_update(actor=zone_people[who], request_id=req.pk, data={"title": "改"})


def test_unknown_step_and_unknown_request(zones, zone_people):
    with pytest.raises(NotFound):
        area_request_run("promote", actor=zone_people["office"], request_id=1)
    with pytest.raises(NotFound):
        area_request_update(actor=zone_people["committee"], request_id=999_999, data={})


def test_an_edit_is_refused_before_its_input_is_read(zones, zone_people):
    req = _req(zones, zone_people)
    with pytest.raises(PermissionDenied):
        area_request_update(actor=zone_people["province"], request_id=req.pk, data={"requested_area": "abc"})
    AreaRequest.objects.filter(pk=req.pk).update(status=S.SUBMITTED)
    with pytest.raises(Conflict):
        area_request_update(actor=zone_people["committee"], request_id=req.pk, data={"requested_area": "abc"})
