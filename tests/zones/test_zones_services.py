"""The zones' figures and targets: who may write them, what is refused (with which code), the
audit rows, create-or-update, the baseline copied from the figures, progress against a target."""

from decimal import Decimal

import pytest

from nesta.core.errors import NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.zones.models import ZoneTarget, ZoneYear
from nesta.zones.selectors import zones as reads
from nesta.zones.services import zones as services

pytestmark = pytest.mark.django_db

FIGURES = {
    "planned_area": "166.00",
    "built_area": "120.50",
    "enterprises": 5200,
    "high_tech_enterprises": 1400,
    "private_tech_enterprises": 3100,
    "revenue": "420000000000",
    "industrial_output": "360000000000",
    "net_profit": "-12000000.50",
    "taxes": "21000000000",
    "exports_usd": "3200000000",
    "employees": 260000,
    "rd_staff": 42000,
    "rd_spend": "9800000000",
    "invention_patents": 2100,
    "incubators": 38,
    "incubator_tenants": 1900,
    "incubator_graduates": 160,
}


def save(actor, zone, year=2024, **data):
    return services.zone_year_save(actor=actor, zone_id=zone.pk, year=year, data=data or dict(FIGURES))


@pytest.mark.parametrize("who", ["committee", "province", "office"])
def test_the_committee_its_province_and_the_office_fill_a_year(zones, zone_people, who):
    row, created = save(zone_people[who], zones["shenyang"])
    assert created and row.year == 2024
    assert row.revenue == Decimal("420000000000.00") and row.net_profit == Decimal("-12000000.50")
    assert row.updated_by == zone_people[who]
    log = AuditLog.objects.get(action="zone_year.created")
    assert log.object_id == str(row.pk) and log.changes["enterprises"] == [None, 5200]


@pytest.mark.parametrize("who", ["member", "other_committee", "jilin", "outsider"])
def test_others_may_not_fill_a_zones_year(zones, zone_people, who):
    with pytest.raises(PermissionDenied):
        save(zone_people[who], zones["shenyang"])
    assert not ZoneYear.objects.exists()


def test_anonymous_is_not_authenticated(zones):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        save(AnonymousUser(), zones["shenyang"])


def test_update_keeps_the_figures_not_given_and_audits_the_change(zones, zone_people):
    row, _ = save(zone_people["committee"], zones["shenyang"])
    again, created = save(zone_people["province"], zones["shenyang"], revenue="450000000000", note="修正")
    assert not created and again.pk == row.pk
    assert again.revenue == Decimal("450000000000.00") and again.enterprises == 5200 and again.note == "修正"
    log = AuditLog.objects.get(action="zone_year.updated")
    assert log.changes == {"note": ["", "修正"], "revenue": ["420000000000.00", "450000000000.00"]}
    # the same figures again change nothing: no audit row
    save(zone_people["province"], zones["shenyang"], revenue="450000000000")
    assert AuditLog.objects.filter(action="zone_year.updated").count() == 1


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"built_area": "200", "planned_area": "100"}, "built_area", "area_inconsistent"),
        ({"enterprises": 10, "high_tech_enterprises": 11}, "high_tech_enterprises", "firms_inconsistent"),
        ({"enterprises": 10, "private_tech_enterprises": 11}, "private_tech_enterprises", "firms_inconsistent"),
        ({"employees": 10, "rd_staff": 11}, "rd_staff", "staff_inconsistent"),
        ({"revenue": "-1"}, "revenue", "invalid_zone_year"),
        ({"revenue": "1.234"}, "revenue", "invalid_zone_year"),
        ({"revenue": "1e17"}, "revenue", "invalid_zone_year"),
        ({"revenue": "NaN"}, "revenue", "invalid_zone_year"),
        ({"revenue": True}, "revenue", "invalid_zone_year"),
        ({"planned_area": "10000000"}, "planned_area", "invalid_zone_year"),
        ({"enterprises": 1.5}, "enterprises", "validation_error"),
        ({"enterprises": 100_000_001}, "enterprises", "validation_error"),
        ({"note": "a\x00b"}, "note", "validation_error"),
        ({"unknown": 1}, "unknown", "unknown_indicator"),
    ],
)
def test_bad_figures_are_refused_with_a_code(zones, zone_people, data, field, code):
    with pytest.raises(ValidationFailed) as exc:
        save(zone_people["office"], zones["shenyang"], **data)
    assert exc.value.code == code and field in exc.value.details
    assert not ZoneYear.objects.exists() and not AuditLog.objects.filter(action__startswith="zone_year").exists()


def test_an_update_that_breaks_consistency_is_refused_and_nothing_changes(zones, zone_people):
    save(zone_people["office"], zones["shenyang"])
    with pytest.raises(ValidationFailed) as exc:
        save(zone_people["office"], zones["shenyang"], enterprises=100)
    assert exc.value.code == "firms_inconsistent"
    assert ZoneYear.objects.get().enterprises == 5200


@pytest.mark.parametrize("year", [1987, 2101, "x", None])
def test_the_year_is_bounded_and_not_in_the_future(zones, zone_people, year):
    with pytest.raises(ValidationFailed):
        save(zone_people["office"], zones["shenyang"], year=year)


def test_next_year_cannot_be_filled_yet(zones, zone_people):
    from django.utils import timezone

    with pytest.raises(ValidationFailed):
        save(zone_people["office"], zones["shenyang"], year=timezone.localdate().year + 1)


def test_an_unknown_zone_or_another_kind_is_not_found(zones, zone_people, org_ln):
    with pytest.raises(NotFound):
        services.zone_year_save(actor=zone_people["office"], zone_id=org_ln.pk, year=2024, data={})
    with pytest.raises(NotFound):
        services.zone_year_save(actor=zone_people["office"], zone_id="abc", year=2024, data={})


# --- targets --------------------------------------------------------------------------------


def target(actor, zone, **data):
    values = {"indicator": "revenue", "baseline_year": 2023, "target_year": 2027, "target_value": "600000000000"}
    values.update(data)
    return services.target_set(actor=actor, zone_id=zone.pk, data=values)


def test_the_office_sets_a_target_from_the_baseline_years_figures(zones, zone_people):
    save(zone_people["committee"], zones["shenyang"], year=2023)
    t, created = target(zone_people["office"], zones["shenyang"])
    assert created and t.baseline_value == Decimal("420000000000.00") and t.set_by == zone_people["office"]
    log = AuditLog.objects.get(action="zone_target.set")
    assert log.changes["baseline_value"] == [None, "420000000000.00"]
    # a later correction of the baseline year does not move the goalposts
    save(zone_people["committee"], zones["shenyang"], year=2023, revenue="430000000000")
    t.refresh_from_db()
    assert t.baseline_value == Decimal("420000000000.00")
    # the same indicator and target year again replaces it
    again, created = target(zone_people["office"], zones["shenyang"], target_value="650000000000", note="提高")
    assert not created and again.pk == t.pk and again.target_value == Decimal("650000000000.00")
    assert ZoneTarget.objects.count() == 1 and AuditLog.objects.filter(action="zone_target.set").count() == 2


@pytest.mark.parametrize("who", ["committee", "province", "member", "outsider"])
def test_only_the_office_sets_targets(zones, zone_people, who):
    with pytest.raises(PermissionDenied):
        target(zone_people[who], zones["shenyang"], baseline_value="1")


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"indicator": "happiness"}, "indicator", "unknown_indicator"),
        ({"indicator": None}, "indicator", "unknown_indicator"),
        ({"target_year": 2023}, "target_year", "invalid_target"),
        ({"baseline_year": 1900}, "baseline_year", "validation_error"),
        ({"target_year": 2101}, "target_year", "validation_error"),
        ({}, "baseline_value", "no_baseline"),
        ({"baseline_value": "600000000000"}, "target_value", "invalid_target"),
        ({"baseline_value": "-5"}, "baseline_value", "invalid_zone_year"),
        (
            {"indicator": "enterprises", "baseline_value": "10", "target_value": "12.5"},
            "target_value",
            "validation_error",
        ),
        ({"baseline_value": "1", "note": "\x07"}, "note", "validation_error"),
    ],
)
def test_bad_targets_are_refused(zones, zone_people, data, field, code):
    with pytest.raises(ValidationFailed) as exc:
        target(zone_people["office"], zones["shenyang"], **data)
    assert exc.value.code == code and field in exc.value.details
    assert not ZoneTarget.objects.exists()


def test_net_profit_targets_may_start_below_zero(zones, zone_people):
    t, _ = target(
        zone_people["office"], zones["shenyang"], indicator="net_profit", baseline_value="-100", target_value="100"
    )
    assert t.baseline_value == Decimal("-100.00")


def test_remove_a_target(zones, zone_people):
    t, _ = target(zone_people["office"], zones["shenyang"], baseline_value="1")
    with pytest.raises(PermissionDenied):
        services.target_remove(actor=zone_people["committee"], target_id=t.pk)
    services.target_remove(actor=zone_people["office"], target_id=t.pk)
    assert not ZoneTarget.objects.exists()
    assert AuditLog.objects.get(action="zone_target.removed").changes["target_value"] == ["600000000000.00", None]
    with pytest.raises(NotFound):
        services.target_remove(actor=zone_people["office"], target_id=t.pk)


def _row(zone, year, **values):
    return ZoneYear.objects.create(zone=zone, year=year, **values)


def test_progress_against_the_linear_path(zones, zone_people):
    sy = zones["shenyang"]
    _row(sy, 2023, enterprises=1000, high_tech_enterprises=100)
    t, _ = target(zone_people["office"], sy, indicator="high_tech_enterprises", target_value="300")  # 2023→2027
    [p] = reads.zone_targets(zone_id=sy.pk)
    assert (p.status, p.progress, p.bar) == ("no_data", None, 0)
    _row(sy, 2024, enterprises=1000, high_tech_enterprises=160)  # 30 % done, 25 % expected
    [p] = reads.zone_targets(zone_id=sy.pk)
    assert (p.latest_year, p.progress, p.expected, p.status) == (2024, Decimal("0.3"), Decimal("0.25"), "on_track")
    _row(sy, 2025, enterprises=1000, high_tech_enterprises=150)  # 25 % done, 50 % expected
    [p] = reads.zone_targets(zone_id=sy.pk)
    assert (p.progress, p.status, p.percent, p.expected_percent) == (
        Decimal("0.25"),
        "behind",
        Decimal("25.0"),
        Decimal("50.0"),
    )
    ZoneYear.objects.filter(zone=sy, year=2025).update(high_tech_enterprises=350)  # beyond the target
    [p] = reads.zone_targets(zone_id=sy.pk)
    assert (p.status, p.bar, p.percent) == ("achieved", 100, Decimal("125.0"))
    ZoneYear.objects.filter(zone=sy, year=2025).update(high_tech_enterprises=50)  # below the baseline
    [p] = reads.zone_targets(zone_id=sy.pk)
    assert (p.status, p.bar, p.percent) == ("behind", 0, Decimal("-25.0"))
    # figures after the target year do not count
    _row(sy, 2028, enterprises=1000, high_tech_enterprises=900)
    [p] = reads.zone_targets(zone_id=sy.pk)
    assert p.latest_year == 2025


def test_targets_read_in_two_queries(zones, zone_people, django_assert_num_queries):
    sy = zones["shenyang"]
    for y in (2023, 2024, 2025):
        _row(sy, y, enterprises=1000 + y, revenue=Decimal(y) * 10**8)
    for key in ("revenue", "enterprises", "incubators"):
        target(zone_people["office"], sy, indicator=key, baseline_value="1", target_value="5000")
    with django_assert_num_queries(2):
        assert len(reads.zone_targets(zone_id=sy.pk)) == 3


def test_the_largest_figures_read_back(zones, zone_people):
    # SQLite keeps decimals as REAL: the bound leaves room for its rounding on the way back
    data = {"revenue": "999999999999999.99", "net_profit": "-999999999999999.99", "planned_area": "9999999.99",
            "built_area": "9999999.99", "exports_usd": "999999999999999.99"}  # fmt: skip
    save(zone_people["office"], zones["shenyang"], **data)
    row = ZoneYear.objects.get()
    assert row.revenue >= Decimal("999999999999999") and row.net_profit <= Decimal("-999999999999999")
    assert row.planned_area == Decimal("9999999.99")
    for key in ("revenue", "exports_usd"):
        with pytest.raises(ValidationFailed):
            save(zone_people["office"], zones["shenyang"], **{key: "1000000000000000"})
    with pytest.raises(ValidationFailed):
        save(zone_people["office"], zones["shenyang"], net_profit="-1000000000000000")
