"""The programmes' demo data: a call in every stage, the review call's pool with real conflicts,
the decided call's selection and projects, the zones' subsidies; consistent states, nothing dated
in the future, idempotent."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db

SCALE = 60


@pytest.fixture
def loaded(reference):
    out = io.StringIO()
    call_command("demo_data", scale=SCALE, seed=2026, stdout=out)
    return out.getvalue()


def _a_call_in_every_stage(loaded):
    from nesta.programmes.models import Application, Call

    assert "programmes: 4 calls" in loaded
    statuses = dict(Call.objects.filter(reference_key__startswith="demo-prg-").values_list("status", "reference_key"))
    assert {"open", "reviewing", "decided"} <= set(statuses)
    open_call = Call.objects.get(status="open", reference_key__startswith="demo-prg-")
    assert open_call.closes_at > timezone.now() > open_call.opens_at
    assert {"draft", "submitted", "recommended"} <= set(
        Application.objects.filter(call=open_call).values_list("status", flat=True)
    )


def _the_review_call_has_its_pool_conflicts_assignments_and_reviews(loaded):
    from nesta.programmes.models import Application, Assignment, AvoidRequest, Call, ConflictDeclaration, Review
    from nesta.programmes.selectors.conflicts import correspondence_round, load_pool

    call = Call.objects.get(status="reviewing", reference_key__startswith="demo-prg-")
    apps = Application.objects.filter(call=call, status="in_review")
    assert apps.count() >= 24  # ≥ 60 at the default scale (400)
    pool = load_pool(call, correspondence_round(call))
    assert len(pool.experts) >= 40  # about 190 at the default scale
    assert pool.exclusions  # real conflicts: affiliations, colleagues on teams, avoid requests, declarations
    assert AvoidRequest.objects.filter(application__call=call).exists()
    assert ConflictDeclaration.objects.filter(application__call=call).exists()
    excluded = set(pool.exclusions)
    seats = list(Assignment.objects.filter(round__call=call).values_list("application_id", "expert_id", "status"))
    assert seats and not {(a, e) for a, e, _s in seats} & excluded
    assert {"accepted", "submitted"} <= {s for _a, _e, s in seats}
    assert Review.objects.filter(assignment__round__call=call).exists()
    assert not Review.objects.filter(submitted_at__gt=timezone.now()).exists()


def _the_decided_call_and_its_projects(loaded):
    from nesta.programmes.models import Application, Call, MilestoneReport, Payment, Project, SelectionRun

    decided = Call.objects.filter(status="decided", reference_key__startswith="demo-prg-")
    assert decided.count() == 2
    for call in decided:
        statuses = set(Application.objects.filter(call=call).values_list("status", flat=True))
        assert "not_funded" in statuses and statuses & {"in_progress", "closed"}
        assert SelectionRun.objects.filter(call=call, confirmed=True).exists()
        assert call.decided_at < timezone.now()
    assert Project.objects.exists() and Payment.objects.exists() and MilestoneReport.objects.exists()
    assert Application.objects.filter(status="closed").exists()
    for p in Project.objects.select_related("application"):
        assert sum(x.amount for x in p.payments.all()) <= p.grant_amount
        assert p.application.status in ("in_progress", "closed")
    assert not Payment.objects.filter(paid_on__gt=timezone.localdate()).exists()


def _the_zones_subsidies(loaded):
    from nesta.programmes.models import InterestStatement, SubsidyInstalment
    from nesta.programmes.services.subsidies import computation

    assert SubsidyInstalment.objects.filter(paid_on__isnull=False).exists()
    assert InterestStatement.objects.filter(status="submitted").exists()
    for inst in SubsidyInstalment.objects.select_related("statement__loan__fund")[:20]:
        assert inst.lines and inst.lines[-1]["value"] == f"{inst.amount:,.2f}"
    assert not InterestStatement.objects.filter(paid_on__gt=timezone.localdate()).exists()
    pending = InterestStatement.objects.filter(status="submitted").select_related("loan__fund").first()
    assert computation(pending).amount > 0


def _the_budget_view_is_not_empty(loaded):
    from nesta.accounts.models import User
    from nesta.programmes.selectors.budget import budget_view

    view = budget_view(viewer=User.objects.get(username="finance01"))
    assert view.total.paid > 0 and view.total.committed > 0


def _loading_twice_changes_nothing(loaded):
    from nesta.programmes.models import Application, Assignment, InterestStatement

    before = (Application.objects.count(), Assignment.objects.count(), InterestStatement.objects.count())
    out = io.StringIO()
    call_command("demo_data", scale=SCALE, seed=2026, stdout=out)
    assert (Application.objects.count(), Assignment.objects.count(), InterestStatement.objects.count()) == before


def test_programmes_demo(loaded):
    """One load (the demo takes a while), every check."""
    _a_call_in_every_stage(loaded)
    _the_review_call_has_its_pool_conflicts_assignments_and_reviews(loaded)
    _the_decided_call_and_its_projects(loaded)
    _the_zones_subsidies(loaded)
    _the_budget_view_is_not_empty(loaded)
    _loading_twice_changes_nothing(loaded)
