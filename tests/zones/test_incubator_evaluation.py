"""The incubators' evaluation: the recommendation rules at their boundaries, a run over three
incubators computed by hand (only accepted reports of the year, active incubators, the scheme's
kind or every kind), the zone ranks, who sees which results, and the API."""

import json

import pytest

from nesta.core.errors import PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.zones.incubator_indicators import BY_KEY
from nesta.zones.models import IncubatorResult
from nesta.zones.rules.incubator_recommendation import rule
from nesta.zones.selectors import incubator_evaluation as reads
from nesta.zones.services import incubator_evaluation as services
from tests.conftest import bearer
from tests.zones import test_incubator_support as support
from tests.zones.test_incubator_support import IncubatorFactory, IncubatorReportFactory

world = support.world
RULE = {"size": 10, "top_share": 0.2, "bottom_share": 0.1, "below_minimum": [], "is_provincial": False,
        "values": {}, "national_thresholds": {}}  # fmt: skip
T = {"occupancy": 80.0}


@pytest.mark.parametrize(
    "rank,over,expected",
    [
        (1, {}, ("support", ["top_share"])),
        (2, {}, ("support", ["top_share"])),  # ⌊10 × 0.2⌋ = 2
        (3, {}, ("none", [])),
        (9, {}, ("none", [])),  # the last two tied at 9: neither is below rank 9
        (10, {}, ("rectify", ["bottom_share"])),  # rank > 10 − ⌊10 × 0.1⌋
        (1, {"below_minimum": ["occupancy"]}, ("rectify", ["below_minimum:occupancy"])),
        (10, {"below_minimum": ["mentors"]}, ("rectify", ["below_minimum:mentors", "bottom_share"])),
        (
            5,
            {"is_provincial": True, "values": {"occupancy": 80.0}, "national_thresholds": T},
            ("promote", ["national_thresholds"]),
        ),  # fmt: skip
        (5, {"is_provincial": True, "values": {"occupancy": 79.99}, "national_thresholds": T}, ("none", [])),
        (5, {"is_provincial": True, "values": {"occupancy": None}, "national_thresholds": T}, ("none", [])),
        (
            1,
            {"is_provincial": True, "values": {"occupancy": 10.0}, "national_thresholds": T},
            ("support", ["top_share"]),
        ),  # fmt: skip
        (5, {"is_provincial": False, "values": {"occupancy": 99.0}, "national_thresholds": T}, ("none", [])),
        (5, {"is_provincial": True, "values": {"occupancy": 99.0}}, ("none", [])),  # no threshold: no promotion
        (
            10,
            {"is_provincial": True, "values": {"occupancy": 99.0}, "national_thresholds": T},
            ("rectify", ["bottom_share"]),
        ),  # fmt: skip  — rectify comes first
        (1, {"size": 3, "top_share": 0.1}, ("support", ["top_share"])),  # at least one when a share is set
        (3, {"size": 3, "bottom_share": 0.0}, ("none", [])),
        (1, {"size": 1, "top_share": 0.0, "bottom_share": 0.0}, ("none", [])),
    ],
)
def test_recommendation_rules_at_their_boundaries(rank, over, expected):
    ruling = rule(rank=rank, **{**RULE, **over})
    assert (ruling.recommendation, ruling.grounds) == expected


def test_computed_indicators():
    class Inc:
        space_m2 = 8000

    class R:
        incubator = Inc()
        space_occupied_m2, tenants, graduates, tenant_revenue, investment_raised = 6000, 20, 3, 10_000_000, 0
        private_tenants, tenant_employees, mentors, tenant_patents = 15, 300, 0, 10

    assert BY_KEY["occupancy"].value(R) == 75.0
    assert BY_KEY["graduates_per_10"].value(R) == 1.5
    assert BY_KEY["revenue_per_tenant"].value(R) == 500_000.0
    assert BY_KEY["investment_per_tenant"].value(R) == 0.0
    assert BY_KEY["private_share"].value(R) == 75.0
    assert BY_KEY["tenants_per_mentor"].value(R) is None  # no mentors: missing, not zero
    R.tenants = None  # a draft's derived figures
    assert BY_KEY["graduates_per_10"].value(R) is None


CRITERIA = [
    {"indicator": "occupancy", "weight": "2", "normalisation": "minmax", "national_threshold": "80"},
    {"indicator": "graduates_per_10", "weight": "1", "normalisation": "minmax", "minimum": "1"},
]


def _scheme(actor, **over):
    data = {"year": 2025, "name": "2025年度孵化器评估", "top_share": "0.34", "bottom_share": "0.34",
            "criteria": CRITERIA}  # fmt: skip
    data.update(over)
    return services.incubator_scheme_create(actor=actor, data=data)


@pytest.fixture
def three(world, zones):
    """A (provincial, 沈阳 zone): occupancy 90 %, 2 graduates per 10 tenants; B (national, Jilin):
    50 %, 0; C (provincial, 沈阳 zone, 20,000 m²): 70 %, 2 — and reports the run must leave out."""
    a, b = world["a"], world["b"]
    c = IncubatorFactory(zone=zones["shenyang"], space_m2=20_000)
    accepted = {"year": 2025, "status": "accepted"}
    IncubatorReportFactory(incubator=a, space_occupied_m2=9000, tenants=20, graduates=4, **accepted)
    IncubatorReportFactory(incubator=b, space_occupied_m2=5000, tenants=10, graduates=0, **accepted)
    IncubatorReportFactory(incubator=c, space_occupied_m2=14000, tenants=25, graduates=5, **accepted)
    IncubatorReportFactory(incubator=IncubatorFactory(), year=2025, status="checked", space_occupied_m2=10000)
    IncubatorReportFactory(incubator=IncubatorFactory(is_active=False), space_occupied_m2=10000, **accepted)
    IncubatorReportFactory(incubator=a, year=2024, status="accepted", space_occupied_m2=1)
    return a, b, c


@pytest.mark.django_db
def test_a_run_by_hand(world, three):
    a, b, c = three
    run = services.incubator_evaluation_run(actor=world["office"], scheme_id=_scheme(world["office"]).pk)
    results = {r.incubator_id: r for r in IncubatorResult.objects.filter(run=run)}
    assert run.incubator_count == 3 and set(results) == {a.pk, b.pk, c.pk}
    ra, rb, rc = results[a.pk], results[b.pk], results[c.pk]
    # occupancy 90/50/70 → 1, 0, .5; graduates per 10: 2/0/2 → 1, 0, 1; weight shares 2/3, 1/3
    assert ra.score == pytest.approx(1.0)
    assert rc.score == pytest.approx(2 / 3 * 0.5 + 1 / 3, abs=1e-6)
    assert rb.score == pytest.approx(0.0)
    assert (ra.rank, rc.rank, rb.rank) == (1, 2, 3) and ra.cohort_size == 3
    # A: provincial, 90 % ≥ the national 80 % → promote (before support); C: 70 % < 80 %, rank 2 → none
    assert (ra.recommendation, ra.grounds) == ("promote", ["national_thresholds"])
    assert (rc.recommendation, rc.grounds) == ("none", [])
    assert (rb.recommendation, rb.grounds) == ("rectify", ["below_minimum:graduates_per_10", "bottom_share"])
    occupancy = next(x for x in rc.reasons if x["indicator"] == "occupancy")
    assert occupancy == {"indicator": "occupancy", "value": 70.0, "normalised": 0.5,
                         "weight": pytest.approx(2 / 3, abs=1e-6), "contribution": pytest.approx(1 / 3, abs=1e-6),
                         "missing": False}  # fmt: skip
    assert sum(x["contribution"] for x in rc.reasons) == pytest.approx(rc.score, abs=1e-5)
    assert {s["indicator"] for s in rc.sensitivity} == {"occupancy", "graduates_per_10"}
    assert run.criteria_snapshot[0] == {"indicator": "occupancy", "weight": "2.000", "normalisation": "minmax",
                                        "higher_is_better": True, "minimum": None, "national_threshold": "80.00",
                                        "cap": None}  # fmt: skip
    assert AuditLog.objects.filter(action="incubator_evaluation.run", object_id=str(run.pk)).exists()
    # zone ranks from the frozen scores: A 1/2 and C 2/2 in 沈阳, B 1/1 in 长春
    _run, shown = reads.run_results(viewer=world["office"], run_id=run.pk)
    zone = {r.incubator_id: (r.zone_rank.rank, r.zone_rank.size) for r in shown}
    assert zone == {a.pk: (1, 2), c.pk: (2, 2), b.pk: (1, 1)}


@pytest.mark.django_db
def test_a_scheme_of_one_kind_ranks_that_kind_only(world, three):
    a, b, c = three
    scheme = _scheme(world["office"], kind="business_center", bottom_share="0")
    run = services.incubator_evaluation_run(actor=world["office"], scheme_id=scheme.pk)
    results = {r.incubator_id: r for r in IncubatorResult.objects.filter(run=run)}
    assert set(results) == {a.pk, c.pk} and results[c.pk].cohort_size == 2
    assert (results[a.pk].rank, results[c.pk].rank) == (1, 2)


@pytest.mark.django_db
def test_who_defines_runs_and_sees_results(world, three):
    for who in ("province", "admin", "jilin"):
        with pytest.raises(PermissionDenied):
            _scheme(world[who])
    scheme = _scheme(world["office"])
    with pytest.raises(PermissionDenied):
        services.incubator_evaluation_run(actor=world["province"], scheme_id=scheme.pk)
    run = services.incubator_evaluation_run(actor=world["office"], scheme_id=scheme.pk)
    a, b, c = three
    seen = {who: {r.incubator_id for r in reads.run_results(viewer=world[who], run_id=run.pk)[1]}
            for who in ("office", "province", "jilin")}  # fmt: skip
    assert seen == {"office": {a.pk, b.pk, c.pk}, "province": {a.pk, c.pk}, "jilin": {b.pk}}
    for who in ("admin", "outsider", "committee"):
        with pytest.raises(PermissionDenied):
            reads.run_results(viewer=world[who], run_id=run.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "over,field",
    [
        ({"criteria": []}, "criteria"),
        ({"criteria": [{"indicator": "papers", "weight": "1"}]}, "criteria.0.indicator"),  # a base's indicator
        ({"criteria": [CRITERIA[0], CRITERIA[0]]}, "criteria.1.indicator"),
        ({"criteria": [{"indicator": "occupancy", "weight": "0"}]}, "criteria.0.weight"),
        ({"criteria": [{"indicator": "occupancy", "weight": "1", "cap": "2"}]}, "criteria.0.cap"),
        (
            {"criteria": [{"indicator": "occupancy", "weight": "1", "normalisation": "rank"}]},
            "criteria.0.normalisation",
        ),
        ({"top_share": "0.7", "bottom_share": "0.4"}, "bottom_share"),
        ({"year": 1999}, "year"),
        ({"kind": "factory"}, "kind"),
        ({"name": ""}, "name"),
    ],
)
def test_unusable_schemes_are_refused(world, over, field):
    with pytest.raises(ValidationFailed) as exc:
        _scheme(world["office"], **over)
    assert field in exc.value.details


@pytest.mark.django_db
def test_the_evaluation_api(api_client, world, three, django_assert_max_num_queries):
    body = {"year": 2025, "name": "方案", "criteria": CRITERIA, "top_share": "0.34", "bottom_share": "0.34"}

    def post(url, user, data=None):
        return api_client.post(url, json.dumps(data or {}), content_type="application/json", **bearer(user))

    r = api_client.post("/api/v1/incubator-schemes", json.dumps({"year": "x"}), content_type="application/json")
    assert r.status_code == 401
    assert post("/api/v1/incubator-schemes", world["province"], body).status_code == 403
    assert post("/api/v1/incubator-schemes", world["office"], {**body, "year": 1990}).status_code == 422
    r = post("/api/v1/incubator-schemes", world["office"], body)
    assert r.status_code == 201, r.content
    scheme = r.json()
    assert [c["label"] for c in scheme["criteria"]] == ["场地使用率", "每10家在孵企业毕业数"]
    assert scheme["kind"] == "" and scheme["kind_label"] == "全部类型"
    assert post("/api/v1/incubator-schemes", world["office"], body).json()["code"] == "scheme_exists"
    r = post(f"/api/v1/incubator-schemes/{scheme['id']}/run", world["office"])
    assert r.status_code == 201, r.content
    run = r.json()
    assert [x["rank"] for x in run["results"]] == [1, 2, 3]
    top = run["results"][0]
    assert (top["recommendation"], top["recommendation_label"]) == ("promote", "推荐认定国家级")
    assert top["reasons"][0]["label"] == "场地使用率" and top["zone_rank"] == 1 and top["zone_size"] == 2
    assert post("/api/v1/incubator-schemes/999999/run", world["office"]).status_code == 404
    r = api_client.get(f"/api/v1/incubator-runs/{run['id']}", **bearer(world["jilin"]))
    assert r.status_code == 200 and [x["province"] for x in r.json()["results"]] == ["220000"]
    assert api_client.get(f"/api/v1/incubator-runs/{run['id']}", **bearer(world["admin"])).status_code == 403
    assert api_client.get(f"/api/v1/incubator-runs/{run['id']}").status_code == 401
    headers = bearer(world["office"])
    with django_assert_max_num_queries(8):
        r = api_client.get("/api/v1/incubator-schemes", **headers)
    assert r.status_code == 200 and r.json()[0]["latest_run"] == run["id"]
    with django_assert_max_num_queries(8):
        assert api_client.get(f"/api/v1/incubator-runs/{run['id']}", **headers).status_code == 200
    r = api_client.get("/api/v1/incubator-indicators")
    keys = [i["key"] for i in r.json()]
    assert r.status_code == 200 and "occupancy" in keys and len(keys) == len(BY_KEY)


RANDOM_CRITERIA = [
    {"indicator": "occupancy", "weight": "2", "normalisation": "minmax", "national_threshold": "60"},
    {"indicator": "graduates_per_10", "weight": "1", "normalisation": "zscore", "minimum": "1"},
    {"indicator": "tenants_per_mentor", "weight": "1.5", "normalisation": "median_ratio", "cap": "2",
     "higher_is_better": False},
    {"indicator": "mentors", "weight": "0.5", "normalisation": "minmax", "national_threshold": "3"},
]  # fmt: skip


@pytest.mark.django_db
def test_the_shared_machinery_stores_what_the_engine_and_the_per_incubator_rule_give(world, zones):
    """A random cohort with ties and missing ratios: every stored result equals what the engine's
    per-subject outcomes and the per-incubator rule give (the path the incubators used before they
    shared core.evaluation's cohort run)."""
    import random

    from nesta.core.evaluation import Criterion, Subject, evaluate

    rng = random.Random(7)
    incubators = [IncubatorFactory(level="national" if i % 3 == 0 else "provincial") for i in range(23)]
    for inc in incubators:
        IncubatorReportFactory(incubator=inc, status="accepted", space_occupied_m2=rng.choice((5000, 7000, 9000)),
                               tenants=rng.choice((0, 10, 20)), graduates=rng.randint(0, 4),
                               mentors=rng.choice((0, 2, 4)))  # fmt: skip
    data = {"year": 2025, "name": "随机", "top_share": "0.25", "bottom_share": "0.2", "criteria": RANDOM_CRITERIA}
    scheme = services.incubator_scheme_create(actor=world["office"], data=data)
    run = services.incubator_evaluation_run(actor=world["office"], scheme_id=scheme.pk)
    stored = list(IncubatorResult.objects.filter(run=run).order_by("pk").select_related("incubator"))
    from nesta.zones.models import IncubatorReport

    reports = {r.incubator_id: r for r in IncubatorReport.objects.filter(year=2025, status="accepted")}
    keys = [c["indicator"] for c in RANDOM_CRITERIA]
    subjects = [Subject(id=i, cohort="all", values={k: None if (v := BY_KEY[k].value(r)) is None else float(v)
                                                   for k in keys}) for i, r in reports.items()]  # fmt: skip
    criteria = [Criterion(key=c["indicator"], weight=float(c["weight"]), normalisation=c["normalisation"],
                          higher_is_better=c.get("higher_is_better", True),
                          minimum=float(c["minimum"]) if "minimum" in c else None,
                          cap=float(c["cap"]) if "cap" in c else None) for c in RANDOM_CRITERIA]  # fmt: skip
    outcomes = evaluate(criteria, subjects)
    assert [r.incubator_id for r in stored] == [o.subject_id for o in outcomes]  # best first, ties by id
    levels = {inc.pk: inc.level for inc in incubators}
    for r, o in zip(stored, outcomes, strict=True):
        ruling = rule(rank=o.rank, size=o.cohort_size, top_share=0.25, bottom_share=0.2, below_minimum=o.below_minimum,
                      is_provincial=levels[o.subject_id] == "provincial", values={x.key: x.value for x in o.reasons},
                      national_thresholds={"occupancy": 60.0, "mentors": 3.0})  # fmt: skip
        assert (r.score, r.rank, r.cohort_size) == (round(o.score, 6), o.rank, o.cohort_size)
        assert (r.recommendation, r.grounds) == (ruling.recommendation, ruling.grounds)
        assert r.reasons == [{"indicator": x.key, "value": x.value, "normalised": round(x.normalised, 6),
                              "weight": round(x.weight, 6), "contribution": round(x.contribution, 6),
                              "missing": x.missing} for x in o.reasons]  # fmt: skip
        assert r.sensitivity == [{"indicator": s.key, "rank_if_lower": s.rank_if_lower,
                                  "rank_if_higher": s.rank_if_higher} for s in o.sensitivity]  # fmt: skip
    assert {r.recommendation for r in stored} >= {"rectify", "none"}
    assert any(x["missing"] for r in stored for x in r.reasons)  # no mentors or no tenants: a missing ratio
