"""The bases' demo data: every demo engineering centre and key laboratory is a base with its
history, reports of three years at every stage, derived figures equal to the records, last year's
evaluation with its recommendations; nothing dated in the future; idempotent."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_the_bases_demo(reference):
    from nesta.bases.models import Base, BaseReport, EvaluationResult, EvaluationRun
    from nesta.bases.selectors.derived import derived_figures
    from nesta.directory.models import Organization

    out = io.StringIO()
    call_command("demo_data", scale=120, seed=2026, stdout=out)
    assert "bases:" in out.getvalue()
    labs = Organization.objects.filter(
        reference_key__startswith="demo-org-", kind__in=("engineering_center", "key_laboratory")
    )
    assert labs.count() == Base.objects.count() > 0
    for base in Base.objects.select_related("organization", "host"):
        assert base.base_type == base.organization.kind and base.host_id != base.organization_id
        assert base.status_changes.first().to_status == "building"
        assert base.status_changes.order_by("-changed_on", "-id").first().to_status == base.status
    last = timezone.localdate().year - 1
    assert {"accepted"} <= set(BaseReport.objects.filter(year=last).values_list("status", flat=True))
    assert BaseReport.objects.filter(year=last - 2).exists()
    now = timezone.now()
    for field in ("submitted_at", "checked_at", "accepted_at", "returned_at"):
        assert not BaseReport.objects.filter(**{f"{field}__gt": now}).exists(), field
    for report in BaseReport.objects.exclude(status="draft").select_related("base")[:10]:
        figures = derived_figures(organization_id=report.base.organization_id, year=report.year)
        assert figures.as_fields() == {k: getattr(report, k) for k in figures.as_fields()}
    assert (
        BaseReport.objects.filter(status="draft", instrument_hours__isnull=True).count()
        == BaseReport.objects.filter(status="draft").count()
    )
    run = EvaluationRun.objects.order_by("pk").first()
    assert run is not None and run.scheme.year == last
    recommendations = set(EvaluationResult.objects.values_list("recommendation", flat=True))
    assert {"support", "rectify"} <= recommendations
    assert all(r.reasons and r.sensitivity for r in EvaluationResult.objects.all())

    again = io.StringIO()
    call_command("demo_data", scale=120, seed=2026, stdout=again)
    assert "bases: demo bases present" in again.getvalue()
