"""Selection runs and their confirmation (services.selection)."""

from decimal import Decimal

import pytest

from nesta.core.errors import Conflict, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.programmes.lifecycles.call import CALL
from nesta.programmes.models import Application, ApplicationStatus, CallStatus, SelectionRun
from nesta.programmes.services.selection import Adjustment, SelectionInput, selection_confirm, selection_run
from tests.programmes.selection.conftest import scored_call

pytestmark = pytest.mark.django_db


def test_run_beside_rank_list(reference, office):
    # 90 (200万) stops the plain list; the optimum funds the three cheaper ones
    call, apps = scored_call([(90, 200), (85, 150), (80, 100), (75, 50)], budget="3000000.00")
    run = selection_run(actor=office, call_id=call.pk, data=SelectionInput(score="raw"))
    r = run.result
    assert r["status"] == "optimal"
    assert r["rank_list"]["selected"] == [apps[0].pk]  # 200 then 150 does not fit: stop
    assert sorted(r["selected"]) == sorted([apps[1].pk, apps[2].pk, apps[3].pk])
    assert Decimal(r["total_cost"]) <= call.budget
    assert r["total_score"] == 240 and r["rank_list"]["total_score"] == 90
    assert set(r["only_optimal"]) == {apps[1].pk, apps[2].pk, apps[3].pk}
    assert AuditLog.objects.filter(action="selection.run", object_id=str(run.pk)).exists()


def test_tilt_share_reserved(reference, office):
    call, apps = scored_call(
        [(90, 100), (88, 100), (86, 100), (60, 100)], budget="3000000.00", tilt_share=0.3, private=(3,)
    )
    run = selection_run(actor=office, call_id=call.pk, data=SelectionInput(score="raw"))
    assert apps[3].pk in run.result["selected"]
    assert run.result["shares"][0]["met"] is True
    plain = selection_run(actor=office, call_id=call.pk, data=SelectionInput(score="raw", use_tilt=False))
    assert apps[3].pk not in plain.result["selected"]


def test_province_minimum_share(reference, office):
    # odd positions are in Jilin (220000)
    call, apps = scored_call([(90, 100), (60, 100), (88, 100), (59, 100), (87, 100)], budget="3000000.00")
    run = selection_run(
        actor=office,
        call_id=call.pk,
        data=SelectionInput(score="raw", min_shares=[{"by": "province", "value": "220000", "share": 0.6}]),
    )
    jilin = [a.pk for a in apps if a.province.code == "220000"]
    assert set(jilin) <= set(run.result["selected"])
    assert run.result["shares"][0]["met"]


def test_infeasible_shares_422(reference, office):
    call, _apps = scored_call([(90, 100), (60, 250)], budget="3000000.00")
    with pytest.raises(ValidationFailed) as exc:
        selection_run(
            actor=office,
            call_id=call.pk,
            data=SelectionInput(
                min_shares=[
                    {"by": "province", "value": "210000", "share": 0.3},
                    {"by": "province", "value": "220000", "share": 0.7},
                ]
            ),
        )
    assert exc.value.code == "selection_infeasible"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"budget": "-1"}, "validation_error"),
        ({"budget": "999999999"}, "budget_above_call"),
        ({"score": "median"}, "invalid_score_kind"),
        ({"rank_rule": "random"}, "invalid_rank_rule"),
        ({"min_shares": [{"by": "city", "value": "x", "share": 0.1}]}, "invalid_shares"),
        ({"min_shares": [{"by": "tilt", "value": "1", "share": 1.5}]}, "invalid_shares"),
        ({"tolerance": 99}, "invalid_tolerance"),
        ({"amounts": {"999999": "1"}}, "not_a_candidate"),
    ],
)
def test_run_validation(reference, office, data, code):
    call, _apps = scored_call([(90, 100)])
    with pytest.raises(ValidationFailed) as exc:
        selection_run(actor=office, call_id=call.pk, data=SelectionInput(**data))
    assert exc.value.code == code


def test_run_needs_decide_permission_and_reviewing_call(reference, users, office):
    call, _apps = scored_call([(90, 100)])
    for role in ("province", "expert", "org_admin"):
        with pytest.raises(PermissionDenied):
            selection_run(actor=users[role], call_id=call.pk, data=SelectionInput())
    call.status = CallStatus.CLOSED
    call.save(update_fields=["status"])
    with pytest.raises(Conflict) as exc:
        selection_run(actor=office, call_id=call.pk, data=SelectionInput())
    assert exc.value.code == "invalid_state"


def test_lottery_reproducible_with_seed(reference, office):
    # six tied at 80 for money enough for three, one clear winner
    call, apps = scored_call([(95, 100)] + [(80, 100)] * 6, budget="4000000.00")
    a = selection_run(actor=office, call_id=call.pk, data=SelectionInput(score="raw", lottery=True, seed=7))
    b = selection_run(actor=office, call_id=call.pk, data=SelectionInput(score="raw", lottery=True, seed=7))
    assert a.result["selected"] == b.result["selected"]
    assert a.params["seed"] == 7 and a.result["lottery"]["seed"] == 7
    assert apps[0].pk in a.result["selected"]
    assert len(a.result["drawn"]) == 3 and set(a.result["drawn"]) <= set(a.result["tied"])
    draws = {
        tuple(
            selection_run(actor=office, call_id=call.pk, data=SelectionInput(score="raw", lottery=True, seed=s)).result[
                "drawn"
            ]
        )
        for s in range(6)
    }
    assert len(draws) > 1
    unseeded = selection_run(actor=office, call_id=call.pk, data=SelectionInput(score="raw", lottery=True))
    assert isinstance(unseeded.params["seed"], int)  # recorded


def test_confirm_funds_rejects_and_decides(reference, office):
    call, apps = scored_call([(90, 200), (85, 150), (80, 100), (75, 50)])
    run = selection_run(actor=office, call_id=call.pk, data=SelectionInput(score="raw"))
    selection_confirm(actor=office, run_id=run.pk, note="经主任办公会审定")
    funded = set(Application.objects.filter(status=ApplicationStatus.FUNDED).values_list("pk", flat=True))
    assert funded == set(run.result["selected"])
    rejected = Application.objects.get(pk=apps[0].pk)
    assert rejected.status == ApplicationStatus.NOT_FUNDED and rejected.status_note == "经主任办公会审定"
    for a in Application.objects.filter(status=ApplicationStatus.FUNDED):
        assert a.awarded_amount == a.requested_amount
    call.refresh_from_db()
    assert call.status == CallStatus.DECIDED
    run.refresh_from_db()
    assert run.confirmed
    assert AuditLog.objects.filter(action="selection.confirmed").count() == 1
    with pytest.raises(Conflict):
        selection_confirm(actor=office, run_id=run.pk)


def test_confirm_with_adjustments_and_reasons(reference, office):
    call, apps = scored_call([(90, 200), (85, 150), (80, 100), (75, 50)])
    run = selection_run(actor=office, call_id=call.pk, data=SelectionInput(score="raw"))
    with pytest.raises(ValidationFailed) as exc:
        selection_confirm(actor=office, run_id=run.pk, add=[Adjustment(apps[0].pk, "")])
    assert exc.value.code == "reason_required"
    with pytest.raises(ValidationFailed) as exc:  # adding 200万 to 300万 already chosen
        selection_confirm(actor=office, run_id=run.pk, add=[Adjustment(apps[0].pk, "重大需求")])
    assert exc.value.code == "over_budget"
    assert not Application.objects.filter(status=ApplicationStatus.FUNDED).exists()
    selection_confirm(
        actor=office,
        run_id=run.pk,
        add=[Adjustment(apps[0].pk, "国家重大需求，优先支持")],
        remove=[Adjustment(apps[1].pk, "与已立项项目重复"), Adjustment(apps[2].pk, "经费压缩")],
    )
    funded = set(Application.objects.filter(status=ApplicationStatus.FUNDED).values_list("pk", flat=True))
    assert funded == {apps[0].pk, apps[3].pk}
    assert Application.objects.get(pk=apps[1].pk).status_note == "与已立项项目重复"
    assert Application.objects.get(pk=apps[0].pk).decision_note == "国家重大需求，优先支持"


def test_confirm_is_atomic(reference, office, monkeypatch):
    call, apps = scored_call([(90, 200), (85, 150), (80, 100), (75, 50)])
    run = selection_run(actor=office, call_id=call.pk, data=SelectionInput(score="raw"))
    before = AuditLog.objects.count()

    def broken(*args, **kwargs):
        raise Conflict("boom", code="invalid_state")

    monkeypatch.setattr(CALL, "run", broken)
    with pytest.raises(Conflict):
        selection_confirm(actor=office, run_id=run.pk)
    assert set(Application.objects.filter(pk__in=[a.pk for a in apps]).values_list("status", flat=True)) == {
        ApplicationStatus.IN_REVIEW
    }
    assert AuditLog.objects.count() == before
    run.refresh_from_db()
    assert not run.confirmed and SelectionRun.objects.filter(pk=run.pk, confirmed=False).exists()


def test_confirm_stale_selection(reference, office):
    call, apps = scored_call([(90, 100), (85, 100)])
    run = selection_run(actor=office, call_id=call.pk, data=SelectionInput(score="raw"))
    Application.objects.filter(pk=apps[0].pk).update(status=ApplicationStatus.WITHDRAWN)
    with pytest.raises(Conflict) as exc:
        selection_confirm(actor=office, run_id=run.pk)
    assert exc.value.code == "stale_selection"
    assert not Application.objects.filter(status=ApplicationStatus.FUNDED).exists()
