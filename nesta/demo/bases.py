"""The demo's innovation bases (issue 11): every engineering centre and key laboratory of the demo
directory registered as a base (host, level, field, director, status with its history), three
years of annual reports in plausible magnitudes for the region (typed figures; derived figures
frozen from the platform's records on submission, as the service does), the last year's reports
at every stage of their workflow, and last year's evaluation of each base type, run by the office
through the service. Deterministic (seeded), idempotent."""

import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from nesta.core.transactions import write_transaction
from nesta.demo.timeline import stamps_as_given, working_time

HOST_KINDS = ("university", "research_institute", "enterprise")
WAN = Decimal(10000)

# per-year magnitudes of a national base (provincial ones about a third), low–high
NATIONAL = {
    "rd_spend": (3000, 15000),  # 万元
    "fixed_staff": (60, 200),
    "projects": (40, 150),
    "funding_national": (2000, 10000),  # 万元
    "funding_local": (300, 2000),
    "funding_enterprise": (200, 3000),
    "funding_other": (0, 500),
    "patents_applied": (20, 120),
    "patents_granted": (10, 80),
    "standards": (0, 8),
    "papers": (80, 400),
    "transfers": (3, 30),
    "transfer_income": (200, 5000),  # 万元
    "open_projects": (10, 40),
    "trainees": (100, 1000),
}
MONEY_KEYS = {"rd_spend", "funding_national", "funding_local", "funding_enterprise", "funding_other", "transfer_income"}

# last year's evaluation: (indicator, weight, minimum, national threshold)
CRITERIA = (
    ("rd_spend", "1.0", None, "30000000"),
    ("papers", "1.5", "10", "150"),
    ("patents_granted", "2.0", "2", "30"),
    ("standards", "0.5", None, None),
    ("transfers", "1.5", None, None),
    ("transfer_income", "1.5", None, None),
    ("open_projects", "1.0", "3", None),
    ("trainees", "0.5", None, None),
    ("external_service_hours", "1.0", None, None),
    ("contracts", "1.0", None, None),
    ("funding_awarded", "1.0", None, None),
)


def _wan(n: float) -> Decimal:
    return (Decimal(str(n)) * WAN).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def _host(rng: random.Random, org: Any, hosts: list[Any]) -> Any:
    # a laboratory named after a university is hosted by it; else a host in the same province
    named = [h for h in hosts if h.kind == "university" and org.name.startswith(h.name)]
    if named:
        return named[0]
    near = [h for h in hosts if h.province_id == org.province_id and h.kind != "enterprise"]
    return rng.choice(near or hosts)


def stage_report(
    report: Any, rng: random.Random, *, now: Any, note: str, derived: Callable[[Any], dict[str, Any]]
) -> None:
    """An annual report (a base's, an incubator's) at its status as its workflow would have left it:
    submitted in January after its year, checked or returned in February, accepted in March, its
    derived figures (`derived(report)`) frozen on submission, a returned one with the reviewer's `note`."""
    year, status = report.year, report.status
    if status != "draft":
        report.submitted_at = working_time(rng, date(year + 1, 1, rng.randint(10, 28)), not_after=now)
        for key, value in derived(report).items():
            setattr(report, key, value)
        report.derived_at = report.submitted_at
    if status in ("checked", "accepted"):
        report.checked_at = working_time(rng, date(year + 1, 2, rng.randint(2, 25)), not_after=now)
    if status == "accepted":
        report.accepted_at = working_time(rng, date(year + 1, 3, rng.randint(2, 27)), not_after=now)
    if status == "returned":
        report.returned_at = working_time(rng, date(year + 1, 2, rng.randint(2, 25)), not_after=now)
        report.status_note = note


def _figures(rng: random.Random, national: bool, centre: bool, growth: float, rising: bool = False) -> dict[str, Any]:
    # a rising provincial base works at a national base's level (the 选择晋升 case)
    scale = (1.0 if national else 1.3 if rising else 0.35) * growth
    out: dict[str, Any] = {}
    for key, (lo, hi) in NATIONAL.items():
        value = rng.uniform(lo, hi) * scale
        if centre and key in ("papers",):
            value *= 0.5  # engineering centres publish less and transfer more
        if centre and key in ("transfers", "transfer_income", "standards", "funding_enterprise"):
            value *= 1.6
        out[key] = _wan(value) if key in MONEY_KEYS else int(round(value))
    out["senior_staff"] = int(out["fixed_staff"] * rng.uniform(0.4, 0.6))
    out["doctorate_staff"] = int(out["fixed_staff"] * rng.uniform(0.45, 0.7))
    out["patents_granted"] = min(out["patents_granted"], out["patents_applied"] + 10)
    return out


def load(scale: int, seed: int, say: Any) -> dict[str, Any]:
    from nesta.bases.models import Base, BaseReport, BaseStatusChange, EvaluationScheme, ReportStatus, SchemeCriterion
    from nesta.bases.selectors.derived import derived_figures
    from nesta.bases.services.evaluation import evaluation_run
    from nesta.core.models import TaxonomyNode
    from nesta.directory.models import Organization, Person

    if Base.objects.filter(organization__reference_key__startswith="demo-org-").exists():
        say("bases: demo bases present, nothing to do")
        return {"bases": 0}
    office = get_user_model().objects.filter(username="office").first()
    labs = list(
        Organization.objects.filter(
            reference_key__startswith="demo-org-", kind__in=("engineering_center", "key_laboratory")
        ).order_by("reference_key")
    )
    hosts = list(
        Organization.objects.filter(reference_key__startswith="demo-org-", kind__in=HOST_KINDS).order_by(
            "reference_key"
        )
    )
    if office is None or not labs or not hosts:
        say("bases: no demo directory, no bases")
        return {"bases": 0}
    t0 = time.perf_counter()
    rng = random.Random(f"{seed}:bases")
    today = timezone.localdate()
    now = timezone.now()
    last = today.year - 1
    areas = list(TaxonomyNode.objects.filter(depth=1).order_by("sort_order"))
    directors = list(Person.objects.filter(title__in=("研究员", "教授")).order_by("pk")[:400]) or list(
        Person.objects.order_by("pk")[:400]
    )
    with write_transaction():
        bases = []
        for k, org in enumerate(labs):
            national = "国家" in org.name or rng.random() < 0.3
            fields = list(org.fields.all()[:1])
            established = date(org.established_year or rng.randint(1995, 2020), rng.randint(1, 12), 1)
            status = "operating"
            if k % 13 == 5:
                status, established = "building", date(today.year - 1, rng.randint(3, 9), 1)
            bases.append(
                Base(
                    organization=org,
                    host=_host(rng, org, hosts),
                    base_type=org.kind,
                    level="national" if national else "provincial",
                    field=fields[0] if fields else rng.choice(areas),
                    established_on=min(established, today - timedelta(days=200)),
                    director=rng.choice(directors) if directors else None,
                    status=status,
                )
            )
        Base.objects.bulk_create(bases)
        bases = list(Base.objects.filter(organization__in=labs).select_related("organization").order_by("pk"))
        history = []
        for b in bases:
            history.append(BaseStatusChange(base=b, from_status="", to_status="building", changed_on=b.established_on))
            if b.status != "building":
                history.append(
                    BaseStatusChange(
                        base=b,
                        from_status="building",
                        to_status="operating",
                        reason="通过验收，转入运行。",
                        changed_on=min(
                            b.established_on + timedelta(days=rng.randint(700, 1100)), today - timedelta(days=100)
                        ),
                    )
                )
        rectify = [b for b in bases if b.status == "operating"][2::9]
        for b in rectify:
            b.status, b.status_note = "rectifying", "年度考核开放课题数低于要求，限期一年整改。"
            b.save(update_fields=["status", "status_note"])
            history.append(
                BaseStatusChange(
                    base=b, from_status="operating", to_status="rectifying", reason=b.status_note,
                    changed_on=date(last, 6, 30), actor=office,
                )
            )  # fmt: skip
        BaseStatusChange.objects.bulk_create(history)

        rising = {
            next(
                (b.pk for b in bases if b.base_type == kind and b.level == "provincial" and b.status == "operating"),
                None,
            )
            for kind in ("key_laboratory", "engineering_center")
        }
        reports = []
        stages = ["accepted"] * 7 + ["checked", "submitted", "draft", "returned"]
        for b in bases:
            users = list(get_user_model().objects.filter(organization=b.host).order_by("pk")[:1])
            filler = users[0] if users else None
            first = max(today.year - 3, b.established_on.year)
            for year in range(first, last + 1):
                growth = 1.0 + 0.08 * (year - (today.year - 3)) + rng.uniform(-0.05, 0.05)
                status = "accepted" if year < last or b.pk in rising else stages[rng.randrange(len(stages))]
                r = BaseReport(
                    base=b, year=year, status=status, created_by=filler,
                    summary=f"{year}年度，{b.organization.name}围绕东北老工业基地振兴的重点领域开展研究与开放服务。",
                    **_figures(rng, b.level == "national", b.base_type == "engineering_center", growth, b.pk in rising),
                )  # fmt: skip
                stage_report(
                    r, rng, now=now, note="成果转化收入与财务决算不一致，请附转化合同清单后重新提交。",
                    derived=lambda rep: derived_figures(organization_id=rep.base.organization_id, year=rep.year).as_fields(),
                )  # fmt: skip
                reports.append(r)
        with stamps_as_given(BaseReport):
            for r in reports:
                r.created_at = r.updated_at = r.submitted_at or now
            BaseReport.objects.bulk_create(reports)

        runs = 0
        for base_type, label in (("key_laboratory", "重点实验室"), ("engineering_center", "工程技术研究中心")):
            scheme = EvaluationScheme.objects.create(
                base_type=base_type, year=last, name=f"{last}年度{label}运行评估", created_by=office,
                top_share=Decimal("0.3"), bottom_share=Decimal("0.15"),
            )  # fmt: skip
            SchemeCriterion.objects.bulk_create(
                SchemeCriterion(
                    scheme=scheme,
                    indicator=key,
                    weight=Decimal(w),
                    sort_order=i,
                    minimum=None if lo is None else Decimal(lo),
                    national_threshold=None if hi is None else Decimal(hi),
                )  # fmt: skip
                for i, (key, w, lo, hi) in enumerate(CRITERIA)
            )
            if BaseReport.objects.filter(year=last, status=ReportStatus.ACCEPTED, base__base_type=base_type).exists():
                evaluation_run(actor=office, scheme_id=scheme.pk)
                runs += 1
    stats = {"bases": len(bases), "reports": len(reports), "evaluation_runs": runs}
    say(
        f"  bases: {len(bases)} bases ({sum(b.level == 'national' for b in bases)} national), "
        f"{len(reports)} annual reports, {runs} evaluation runs for {last} in {time.perf_counter() - t0:.1f}s"
    )
    return stats
