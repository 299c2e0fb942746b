"""The zones' API: public reads with constant queries, a year's figures put by the right people
(201 then 200), the comparison's ranks and sums, targets (office only), private shares; anonymous
writes are 401 before validation; every error is {code, message, details}."""

import json
from decimal import Decimal

import pytest

from nesta.zones.models import ZoneTarget, ZoneYear
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def call(client, url, body=None, user=None, method="put"):
    headers = bearer(user) if user else {}
    if method == "get":
        return client.get(url, **headers)
    if method == "delete":
        return client.delete(url, **headers)
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json", **headers)


def _row(zone, year, **values):
    base = {"enterprises": 1000, "high_tech_enterprises": 200, "revenue": Decimal("100000000000")}
    return ZoneYear.objects.create(zone=zone, year=year, **{**base, **values})


def test_the_zone_list_is_public_with_the_latest_year(api_client, zones, django_assert_max_num_queries):
    _row(zones["shenyang"], 2023)
    _row(zones["shenyang"], 2024, revenue=Decimal("120000000000"))
    _row(zones["changchun"], 2023)
    with django_assert_max_num_queries(2):
        r = api_client.get("/api/v1/zones")
    assert r.status_code == 200
    by_id = {z["id"]: z for z in r.json()}
    assert len(by_id) == 7
    sy = by_id[zones["shenyang"].pk]
    assert sy["latest"]["year"] == 2024 and Decimal(sy["latest"]["figures"]["revenue"]) == Decimal("120000000000")
    assert by_id[zones["changchun"].pk]["latest"]["year"] == 2023
    assert sum(1 for z in by_id.values() if z["latest"] is None) == 5


def test_one_zone_and_its_indicators_in_a_bounded_range(api_client, zones):
    sy = zones["shenyang"]
    for y in (2021, 2022, 2023, 2024):
        _row(sy, y)
    r = api_client.get(f"/api/v1/zones/{sy.pk}")
    assert r.status_code == 200 and r.json()["years"] == [2021, 2022, 2023, 2024]
    r = api_client.get(f"/api/v1/zones/{sy.pk}/indicators?from=2022&to=2023")
    body = r.json()
    assert r.status_code == 200 and [y["year"] for y in body["years"]] == [2022, 2023]
    assert (body["from_year"], body["to_year"]) == (2022, 2023)
    assert {i["key"] for i in body["indicators"]} >= {"revenue", "net_profit", "incubator_graduates"}
    assert set(body["years"][0]["figures"]) == {i["key"] for i in body["indicators"]}
    r = api_client.get(f"/api/v1/zones/{sy.pk}/indicators?from=1990&to=2060")
    assert r.status_code == 422 and r.json()["code"] == "range_too_wide"
    r = api_client.get(f"/api/v1/zones/{sy.pk}/indicators?from=2024&to=2020")
    assert r.status_code == 422 and r.json()["code"] == "invalid_range"
    assert api_client.get(f"/api/v1/zones/{sy.pk}/indicators?from=1900").status_code == 422
    assert api_client.get(f"/api/v1/zones/{sy.pk}/indicators?from=abc").status_code == 422


def test_unknown_zones_are_404(api_client, zones, org_ln):
    for url in (f"/api/v1/zones/{org_ln.pk}", "/api/v1/zones/99999999/indicators", "/api/v1/zones/99999999/targets",
                "/api/v1/zones/99999999/private-share"):  # fmt: skip
        r = api_client.get(url)
        assert r.status_code == 404 and set(r.json()) == {"code", "message", "details"}, url


def test_put_a_year_creates_then_updates(api_client, zones, zone_people):
    sy = zones["shenyang"]
    url = f"/api/v1/zones/{sy.pk}/indicators/2024"
    body = {"enterprises": 5000, "high_tech_enterprises": 1200, "revenue": "420000000000.00", "net_profit": "-5.5"}
    r = call(api_client, url, body, zone_people["committee"])
    assert r.status_code == 201, r.content
    assert r.json()["figures"]["enterprises"] == 5000 and Decimal(r.json()["figures"]["net_profit"]) == Decimal("-5.5")
    r = call(api_client, url, {"revenue": "430000000000"}, zone_people["province"])
    assert r.status_code == 200 and r.json()["figures"]["enterprises"] == 5000
    assert ZoneYear.objects.get(zone=sy, year=2024).revenue == Decimal("430000000000")
    assert call(api_client, url, body, zone_people["other_committee"]).status_code == 403
    assert call(api_client, url, body, zone_people["jilin"]).status_code == 403
    r = call(api_client, url, {"enterprises": 10}, zone_people["office"])
    assert r.status_code == 422 and r.json()["code"] == "firms_inconsistent"
    assert "high_tech_enterprises" in r.json()["details"]


@pytest.mark.parametrize(
    "body",
    [{"enterprises": -1}, {"enterprises": True}, {"revenue": "-1"}, {"revenue": "1e20"}, {"revenue": "1.001"},
     {"note": "a\x07"}, {"enterprises": 10**12}, {"planned_area": "1e8"}],
)  # fmt: skip
def test_bad_figures_are_422(api_client, zones, zone_people, body):
    r = call(api_client, f"/api/v1/zones/{zones['shenyang'].pk}/indicators/2024", body, zone_people["office"])
    assert r.status_code == 422 and set(r.json()) == {"code", "message", "details"}
    assert not ZoneYear.objects.exists()


def test_anonymous_writes_are_401_before_validation(api_client, zones):
    pk = zones["shenyang"].pk
    assert call(api_client, f"/api/v1/zones/{pk}/indicators/2024", {"enterprises": "\x07"}).status_code == 401
    assert call(api_client, f"/api/v1/zones/{pk}/indicators/1", {}).status_code == 401
    assert call(api_client, f"/api/v1/zones/{pk}/targets", {"indicator": 5}, method="post").status_code == 401
    assert call(api_client, "/api/v1/zone-targets/1", method="delete").status_code == 401


def test_a_future_or_ancient_year_is_refused(api_client, zones, zone_people):
    from django.utils import timezone

    pk = zones["shenyang"].pk
    next_year = timezone.localdate().year + 1
    assert call(api_client, f"/api/v1/zones/{pk}/indicators/{next_year}", {}, zone_people["office"]).status_code == 422
    assert call(api_client, f"/api/v1/zones/{pk}/indicators/1900", {}, zone_people["office"]).status_code == 422


def test_the_comparison_ranks_and_sums(api_client, zones, django_assert_max_num_queries):
    from nesta.directory.models import Organization

    dalian = Organization.objects.get(reference_key="zone-dalian")
    _row(zones["shenyang"], 2024, revenue=Decimal("300"), enterprises=50, high_tech_enterprises=10)
    _row(dalian, 2024, revenue=Decimal("500"), enterprises=50, high_tech_enterprises=10)
    _row(zones["changchun"], 2024, revenue=Decimal("400"), enterprises=20, high_tech_enterprises=10)
    _row(zones["changchun"], 2023, revenue=Decimal("1"))
    with django_assert_max_num_queries(7):  # years, zones, their figures, firms, tenants, counters
        r = api_client.get("/api/v1/zones/comparison?year=2024")
    body = r.json()
    assert r.status_code == 200 and body["year"] == 2024 and body["years"] == [2024, 2023] and body["reported"] == 3
    ranks = {z["zone"]["id"]: z["ranks"] for z in body["zones"]}
    assert ranks[dalian.pk]["revenue"] == 1 and ranks[zones["changchun"].pk]["revenue"] == 2
    assert ranks[zones["shenyang"].pk]["enterprises"] == ranks[dalian.pk]["enterprises"] == 1  # a tie
    assert ranks[zones["changchun"].pk]["enterprises"] == 3
    assert sum(1 for z in body["zones"] if z["figures"] is None) == 4
    assert Decimal(body["totals"]["revenue"]) == Decimal("1200") and body["totals"]["enterprises"] == 120
    provinces = {p["province"]: p for p in body["provinces"]}
    assert Decimal(provinces["210000"]["totals"]["revenue"]) == Decimal("800") and provinces["210000"]["zones"] == 3
    assert provinces["210000"]["reported"] == 2 and provinces["230000"]["reported"] == 0
    # the default year is the newest with figures
    assert api_client.get("/api/v1/zones/comparison").json()["year"] == 2024
    assert api_client.get("/api/v1/zones/comparison?year=3000").status_code == 422


def test_the_comparison_without_any_figures(api_client, zones):
    body = api_client.get("/api/v1/zones/comparison").json()
    assert body["year"] is None and body["zones"] == [] and body["reported"] == 0


def test_targets_over_the_api(api_client, zones, zone_people):
    sy = zones["shenyang"]
    _row(sy, 2023, high_tech_enterprises=200)
    _row(sy, 2024, high_tech_enterprises=260)
    url = f"/api/v1/zones/{sy.pk}/targets"
    body = {"indicator": "high_tech_enterprises", "baseline_year": 2023, "target_year": 2027, "target_value": "400"}
    assert call(api_client, url, body, zone_people["committee"], method="post").status_code == 403
    assert call(api_client, url, body, zone_people["province"], method="post").status_code == 403
    r = call(api_client, url, body, zone_people["office"], method="post")
    assert r.status_code == 201, r.content
    t = r.json()
    assert Decimal(t["baseline_value"]) == Decimal("200") and t["latest_year"] == 2024
    assert t["progress"] == pytest.approx(0.3) and t["expected"] == pytest.approx(0.25) and t["status"] == "on_track"
    r = call(api_client, url, {**body, "target_value": "600"}, zone_people["office"], method="post")
    assert r.status_code == 200 and r.json()["id"] == t["id"] and r.json()["status"] == "behind"
    listed = api_client.get(url).json()
    assert [x["id"] for x in listed] == [t["id"]]
    r = call(api_client, url, {**body, "indicator": "smiles"}, zone_people["office"], method="post")
    assert r.status_code == 422 and r.json()["code"] == "unknown_indicator"
    r = call(api_client, url, {**body, "target_year": 2020}, zone_people["office"], method="post")
    assert r.status_code == 422 and r.json()["code"] == "invalid_target"
    assert (
        call(api_client, f"/api/v1/zone-targets/{t['id']}", user=zone_people["committee"], method="delete").status_code
        == 403
    )
    r = call(api_client, f"/api/v1/zone-targets/{t['id']}", user=zone_people["office"], method="delete")
    assert r.status_code == 204 and not ZoneTarget.objects.exists()
    assert (
        call(api_client, f"/api/v1/zone-targets/{t['id']}", user=zone_people["office"], method="delete").status_code
        == 404
    )


def test_private_share_over_the_api(api_client, zones):
    sy = zones["shenyang"]
    _row(sy, 2024, enterprises=100, private_tech_enterprises=60, high_tech_enterprises=10)
    r = api_client.get(f"/api/v1/zones/{sy.pk}/private-share")
    body = r.json()
    assert r.status_code == 200 and body["year"] == 2024
    assert body["shares"]["reported"]["share"] == pytest.approx(0.6)
    assert body["shares"]["contracts"] == {"part": "0", "whole": "0", "share": None}
    assert (
        api_client.get(f"/api/v1/zones/{sy.pk}/private-share?year=2023").json()["shares"]["reported"]["share"] is None
    )
    assert api_client.get(f"/api/v1/zones/{sy.pk}/private-share?year=99").status_code == 422
