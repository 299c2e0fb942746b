"""The bases' evaluation: the recommendation rules at their boundaries, a run on hand-computed
figures (only accepted reports of the year and type, revoked bases left out), and the API."""

import json

import pytest

from nesta.bases.models import BaseStatus, EvaluationResult, ReportStatus
from nesta.bases.rules.recommendation import rule
from nesta.bases.services import evaluation as services
from nesta.core.errors import PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from tests.bases.factories import BaseFactory, BaseReportFactory
from tests.conftest import bearer

RULE = {"size": 10, "top_share": 0.2, "bottom_share": 0.1, "below_minimum": [], "is_provincial": False,
        "values": {}, "national_thresholds": {}}  # fmt: skip


@pytest.mark.parametrize(
    "rank,over,expected",
    [
        (1, {}, ("support", ["top_share"])),
        (2, {}, ("support", ["top_share"])),  # ⌊10 × 0.2⌋ = 2
        (3, {}, ("none", [])),
        (9, {}, ("none", [])),
        (10, {}, ("rectify", ["bottom_share"])),  # rank > 10 − ⌊10 × 0.1⌋
        (1, {"below_minimum": ["papers"]}, ("rectify", ["below_minimum:papers"])),
        (10, {"below_minimum": ["papers"]}, ("rectify", ["below_minimum:papers", "bottom_share"])),
        (
            5,
            {"is_provincial": True, "values": {"papers": 50}, "national_thresholds": {"papers": 50}},
            ("promote", ["national_thresholds"]),
        ),
        (5, {"is_provincial": True, "values": {"papers": 49.99}, "national_thresholds": {"papers": 50}}, ("none", [])),
        (5, {"is_provincial": True, "values": {"papers": None}, "national_thresholds": {"papers": 50}}, ("none", [])),
        (
            1,
            {"is_provincial": True, "values": {"papers": 10}, "national_thresholds": {"papers": 50}},
            ("support", ["top_share"]),
        ),
        (5, {"is_provincial": False, "values": {"papers": 99}, "national_thresholds": {"papers": 50}}, ("none", [])),
        (5, {"is_provincial": True, "values": {"papers": 99}}, ("none", [])),  # no threshold set: no promotion
        (1, {"size": 3, "top_share": 0.1}, ("support", ["top_share"])),  # at least one when the share is set
        (3, {"size": 3, "bottom_share": 0.0}, ("none", [])),
    ],
)
def test_recommendation_rules_at_their_boundaries(rank, over, expected):
    ruling = rule(rank=rank, **{**RULE, **over})
    assert (ruling.recommendation, ruling.grounds) == expected


def test_a_tie_at_the_bottom_boundary_falls_in_the_bases_favour():
    # ten bases, the last two tied: both rank 9, neither is "below rank 9"
    assert rule(rank=9, **RULE).recommendation == "none"


CRITERIA = [
    {"indicator": "papers", "weight": "3", "normalisation": "minmax", "minimum": "5"},
    {"indicator": "patents_granted", "weight": "1", "normalisation": "minmax"},
]


def _scheme(actor, **over):
    data = {"base_type": "key_laboratory", "year": 2025, "name": "2025年度重点实验室评估", "top_share": "0.34",
            "bottom_share": "0.34", "criteria": CRITERIA}  # fmt: skip
    data.update(over)
    return services.scheme_create(actor=actor, data=data)


@pytest.fixture
def three(people):
    """Three key laboratories with accepted 2025 reports — papers 4 / 20 / 30, patents 0 / 10 / 5 —
    and reports the run must leave out."""
    bases = [people["base"], BaseFactory(), BaseFactory(level="provincial")]
    for base, papers, patents in zip(bases, (4, 20, 30), (0, 10, 5), strict=True):
        BaseReportFactory(base=base, year=2025, status=ReportStatus.ACCEPTED, papers=papers, patents_granted=patents)
    BaseReportFactory(base=BaseFactory(), year=2025, status=ReportStatus.CHECKED, papers=999)  # not accepted
    BaseReportFactory(base=BaseFactory(status=BaseStatus.REVOKED), year=2025, status=ReportStatus.ACCEPTED)
    BaseReportFactory(base=bases[1], year=2024, status=ReportStatus.ACCEPTED, papers=999)  # another year
    centre = BaseFactory(base_type="engineering_center", organization__kind="engineering_center")
    BaseReportFactory(base=centre, year=2025, status=ReportStatus.ACCEPTED)  # another type
    return bases


@pytest.mark.django_db
def test_a_run_by_hand(people, three):
    scheme = _scheme(people["office"])
    run = services.evaluation_run(actor=people["office"], scheme_id=scheme.pk)
    results = {r.base_id: r for r in EvaluationResult.objects.filter(run=run)}
    assert run.base_count == 3 and set(results) == {b.pk for b in three}
    low, mid, high = (results[b.pk] for b in three)
    # papers 4/20/30 → 0, 16/26, 1; patents 0/10/5 → 0, 1, .5; shares .75/.25
    assert low.score == pytest.approx(0.0)
    assert mid.score == pytest.approx(0.75 * 16 / 26 + 0.25)
    assert high.score == pytest.approx(0.75 + 0.125)
    assert (high.rank, mid.rank, low.rank) == (1, 2, 3)
    assert (high.recommendation, mid.recommendation, low.recommendation) == ("support", "none", "rectify")
    assert low.grounds == ["below_minimum:papers", "bottom_share"]  # 4 papers < 5, and last
    papers = next(x for x in mid.reasons if x["indicator"] == "papers")
    assert papers == {"indicator": "papers", "value": 20.0, "normalised": pytest.approx(16 / 26, abs=1e-6),
                      "weight": 0.75, "contribution": pytest.approx(0.75 * 16 / 26, abs=1e-6), "missing": False}  # fmt: skip
    assert {s["indicator"] for s in mid.sensitivity} == {"papers", "patents_granted"}
    assert run.criteria_snapshot[0]["indicator"] == "papers"
    assert AuditLog.objects.filter(action="evaluation.run", object_id=str(run.pk)).exists()


@pytest.mark.django_db
def test_only_the_office_defines_and_runs_schemes(people):
    for who in ("province", "member"):
        with pytest.raises(PermissionDenied):
            _scheme(people[who])
    scheme = _scheme(people["office"])
    with pytest.raises(PermissionDenied):
        services.evaluation_run(actor=people["province"], scheme_id=scheme.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "over,field",
    [
        ({"criteria": []}, "criteria"),
        ({"criteria": [{"indicator": "nonsense", "weight": "1"}]}, "criteria.0.indicator"),
        ({"criteria": [CRITERIA[0], CRITERIA[0]]}, "criteria.1.indicator"),
        ({"criteria": [{"indicator": "papers", "weight": "0"}]}, "criteria.0.weight"),
        ({"criteria": [{"indicator": "papers", "weight": "1", "cap": "2"}]}, "criteria.0.cap"),
        ({"top_share": "0.7", "bottom_share": "0.4"}, "bottom_share"),
        ({"year": 1999}, "year"),
    ],
)
def test_unusable_schemes_are_refused(people, over, field):
    with pytest.raises(ValidationFailed) as exc:
        _scheme(people["office"], **over)
    assert field in exc.value.details


@pytest.mark.django_db
def test_the_evaluation_api(api_client, people, three):
    body = {"base_type": "key_laboratory", "year": 2025, "name": "方案", "criteria": CRITERIA}

    def post(url, user, data=None):
        return api_client.post(url, json.dumps(data or {}), content_type="application/json", **bearer(user))

    assert (
        api_client.post(
            "/api/v1/evaluation-schemes", json.dumps({"year": "x"}), content_type="application/json"
        ).status_code
        == 401
    )
    assert post("/api/v1/evaluation-schemes", people["province"], body).status_code == 403
    r = post("/api/v1/evaluation-schemes", people["office"], body)
    assert r.status_code == 201, r.content
    scheme = r.json()
    assert [c["label"] for c in scheme["criteria"]] == ["发表论文", "发明专利授权"]
    r = post(f"/api/v1/evaluation-schemes/{scheme['id']}/run", people["office"])
    assert r.status_code == 201, r.content
    run = r.json()
    assert [x["rank"] for x in run["results"]] == [1, 2, 3]
    top = run["results"][0]
    assert top["recommendation"] == "support" and top["recommendation_label"] == "重点支持"
    assert top["reasons"][0]["label"] == "发表论文" and top["sensitivity"][0]["rank_if_lower"] >= 1
    # every base here is in Liaoning: Jilin's province sees none of the results, Liaoning's all
    r = api_client.get(f"/api/v1/evaluation-runs/{run['id']}", **bearer(people["jilin"]))
    assert r.status_code == 200 and r.json()["results"] == []
    assert (
        len(api_client.get(f"/api/v1/evaluation-runs/{run['id']}", **bearer(people["province"])).json()["results"]) == 3
    )
    assert api_client.get(f"/api/v1/evaluation-runs/{run['id']}", **bearer(people["member"])).status_code == 403


@pytest.mark.django_db
def test_computed_indicators_are_ratios_of_the_reports_own_figures(people):
    a, b = people["base"], BaseFactory()
    BaseReportFactory(
        base=a, year=2025, status=ReportStatus.ACCEPTED, papers=100, fixed_staff=50, senior_staff=10, doctorate_staff=10
    )
    BaseReportFactory(
        base=b, year=2025, status=ReportStatus.ACCEPTED, papers=90, fixed_staff=30, senior_staff=10, doctorate_staff=10
    )
    scheme = _scheme(people["office"], criteria=[{"indicator": "papers_per_staff", "weight": "1"}], bottom_share="0")
    run = services.evaluation_run(actor=people["office"], scheme_id=scheme.pk)
    results = {r.base_id: r for r in EvaluationResult.objects.filter(run=run)}
    assert results[a.pk].reasons[0]["value"] == 2.0 and results[b.pk].reasons[0]["value"] == 3.0
    assert (results[b.pk].rank, results[a.pk].rank) == (1, 2)  # fewer papers, more per head


def test_a_ratio_over_no_staff_is_missing_not_zero():
    from nesta.bases.indicators import BY_KEY

    class R:
        papers, fixed_staff = 5, 0

    assert BY_KEY["papers_per_staff"].value(R()) is None
    assert len(BY_KEY) == 30
