"""The area requests' reads for the zone's page and the forms: restricted per role, the latest
approved area, the zone's panel (its template included), the filter's zones, constant queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from nesta.zones.models import AreaRequest, AreaRequestStatus
from nesta.zones.selectors import areas as reads

pytestmark = pytest.mark.django_db
S = AreaRequestStatus


def make(zone, status=S.DRAFT, approved=None, decided_days_ago=None, title="扩区申请"):
    return AreaRequest.objects.create(
        zone=zone, title=title, current_area=Decimal("10"), requested_area=Decimal("12"),
        area_innovation=Decimal("12"), justification="理由", status=status, approved_area=approved,
        decided_at=timezone.now() - timedelta(days=decided_days_ago) if decided_days_ago is not None else None,
    )  # fmt: skip


def test_a_zones_requests_per_role(zones, zone_people):
    sy = zones["shenyang"]
    a = make(sy, S.SUBMITTED)
    b = make(sy, S.DRAFT)
    make(zones["changchun"], S.SUBMITTED)
    for who, ids in (
        ("committee", [b.pk, a.pk]),
        ("member", [b.pk, a.pk]),
        ("province", [b.pk, a.pk]),
        ("office", [b.pk, a.pk]),
        ("jilin", []),
        ("other_committee", []),
        ("outsider", []),
    ):
        assert [r.pk for r in reads.area_requests_for_zone(sy.pk, zone_people[who])] == ids, who
    from django.contrib.auth.models import AnonymousUser

    assert reads.area_requests_for_zone(sy.pk, AnonymousUser()) == []


def test_the_latest_approved_area(zones, zone_people):
    sy = zones["shenyang"]
    assert reads.latest_approved(sy.pk, zone_people["office"]) is None
    make(sy, S.APPROVED, approved=Decimal("11"), decided_days_ago=400)
    newer = make(sy, S.APPROVED, approved=Decimal("11.5"), decided_days_ago=30)
    make(sy, S.REJECTED, decided_days_ago=1)
    assert reads.latest_approved(sy.pk, zone_people["member"]) == newer
    assert reads.latest_approved(sy.pk, zone_people["jilin"]) is None
    panel = reads.zone_area_panel(sy, zone_people["committee"])
    assert panel["area_approved"] == newer and panel["area_requests_total"] == 3 and panel["area_may_file"]
    assert not reads.zone_area_panel(sy, zone_people["member"])["area_may_file"]


def test_the_zone_panel_renders(zones, zone_people, rf):
    sy = zones["shenyang"]
    make(sy, S.APPROVED, approved=Decimal("11.50"), decided_days_ago=3, title="浑南扩区")
    for who, shown in (("committee", True), ("province", True), ("jilin", False)):
        request = rf.get("/")
        request.user = zone_people[who]
        html = render_to_string(
            "zones/areas/_zone_panel.html", {"zone": sy, **reads.zone_area_panel(sy, zone_people[who])}, request
        )
        assert ("浑南扩区" in html) == shown and ("11.50" in html) == shown, who
        assert ("新建调整扩区申请" in html) == (who == "committee")


def test_the_zone_panel_reads_a_constant_number_of_queries(zones, zone_people, django_assert_max_num_queries):
    sy = zones["shenyang"]
    user = zone_people["province"]
    reads.zone_area_panel(sy, user)  # the grants, once per user
    make(sy, S.SUBMITTED)
    with django_assert_max_num_queries(3) as few:
        reads.zone_area_panel(sy, user)
    for _ in range(8):
        make(sy, S.SUBMITTED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        panel = reads.zone_area_panel(sy, user)
    assert panel["area_requests_total"] == 9 and len(panel["area_requests"]) == 5


def test_the_filters_zones_and_the_zones_to_file_for(zones, zone_people):
    sy, cc = zones["shenyang"], zones["changchun"]
    office = {pk for pk, _ in reads.zone_choices(zone_people["office"])}
    assert {sy.pk, cc.pk} <= office and len(office) == 7  # the seven reference zones
    liaoning = {pk for pk, _ in reads.zone_choices(zone_people["province"])}
    assert sy.pk in liaoning and cc.pk not in liaoning
    assert [pk for pk, _ in reads.zone_choices(zone_people["member"])] == [sy.pk]
    assert reads.zone_choices(zone_people["outsider"]) == []
    assert reads.zones_to_file_for(zone_people["committee"]) == [sy]
    assert reads.zones_to_file_for(zone_people["member"]) == []
    assert reads.zones_to_file_for(zone_people["office"]) == []


def test_the_planned_area_is_the_latest_given(zones):
    from nesta.zones.models import ZoneYear

    sy = zones["shenyang"]
    assert reads.zone_planned_area(sy.pk) is None
    ZoneYear.objects.create(zone=sy, year=2024, planned_area=Decimal("22.00"))
    ZoneYear.objects.create(zone=sy, year=2023, planned_area=Decimal("20.00"))
    assert reads.zone_planned_area(sy.pk) == Decimal("22.00")


def test_the_counts_by_status_per_role(zones, zone_people, django_assert_num_queries):
    sy, cc = zones["shenyang"], zones["changchun"]
    make(sy, S.SUBMITTED)
    make(sy, S.SUBMITTED)
    make(sy, S.ENDORSED)
    make(cc, S.ENDORSED)
    office = zone_people["office"]
    reads.area_request_counts(viewer=office)  # the grants, once
    with django_assert_num_queries(1):
        counts = reads.area_request_counts(viewer=office)
    assert [(v, n) for v, _, n in counts] == [("submitted", 2), ("endorsed", 2)]
    assert [(v, n) for v, _, n in reads.area_request_counts(viewer=office, zone_id=cc.pk)] == [("endorsed", 1)]
    assert [(v, n) for v, _, n in reads.area_request_counts(viewer=zone_people["jilin"])] == [("endorsed", 1)]
    assert reads.area_request_counts(viewer=zone_people["outsider"]) == []
