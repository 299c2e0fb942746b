"""The area request's workflow: each step from each state (409 unless the table allows it), by the
role the table names and refused to the others (another zone's committee, another province); each
step's inputs and their codes; the audit rows; the filer hears of every opinion and decision."""

from decimal import Decimal

import pytest

from nesta.core.errors import Conflict, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog, Notification
from nesta.zones.lifecycles.areas import AREA_REQUEST
from nesta.zones.models import AreaRequest, AreaRequestStatus
from nesta.zones.services.areas import area_request_run

pytestmark = pytest.mark.django_db
S = AreaRequestStatus

ACTOR = {
    "submit": "committee",
    "withdraw": "committee",
    "endorse": "province",
    "return": "province",
    "send_back": "office",
    "approve": "office",
    "reject": "office",
}
INPUT = {
    "endorse": {"province_supports": True, "province_opinion": "同意报送，用地符合省国土空间规划。"},
    "return": {"reason": "请补充用地四至范围图。"},
    "send_back": {"reason": "产业化示范用地比例过高，请说明。"},
    "approve": {"approved_area": "38.00", "decision_note": "原则同意，批准扩区至 38 平方公里。"},
    "reject": {"decision_note": "扩区依据不足。"},
}


def make(zone, filer, status=S.DRAFT, **fields):
    return AreaRequest.objects.create(
        zone=zone,
        title="扩区申请",
        current_area=Decimal("32.50"),
        requested_area=Decimal("40.00"),
        area_innovation=Decimal("12.00"),
        area_incubation=Decimal("8.00"),
        area_industrialisation=Decimal("20.00"),
        justification="用地饱和。",
        status=status,
        created_by=filer,
        **fields,
    )


def test_every_offered_transition_has_an_actor():
    assert {t.name for t in AREA_REQUEST.offered()} == set(ACTOR)


@pytest.mark.parametrize("name,state", [(t.name, s) for t in AREA_REQUEST.offered() for s in S.values])
def test_transition_from_state(zones, zone_people, name, state):
    req = make(zones["shenyang"], zone_people["committee"], state)
    t = AREA_REQUEST.transition(name)
    if state in t.sources:
        done = area_request_run(name, actor=zone_people[ACTOR[name]], request_id=req.pk, data=INPUT.get(name))
        assert done.status == t.target
        assert getattr(done, t.timestamp) is not None
        row = AuditLog.objects.get(action=t.event, object_id=str(req.pk))
        assert row.changes["status"] == [state, t.target] and row.actor == zone_people[ACTOR[name]]
    else:
        with pytest.raises(Conflict) as exc:
            # even without its inputs: the state is refused first (409 before 422)
            area_request_run(name, actor=zone_people[ACTOR[name]], request_id=req.pk)
        assert exc.value.code == "invalid_state" and exc.value.details["status"] == state
        assert not AuditLog.objects.filter(object_id=str(req.pk), object_type="zones.arearequest").exists()


@pytest.mark.parametrize(
    "name,state,who",
    [
        ("submit", S.DRAFT, "other_committee"),  # another zone's committee
        ("submit", S.DRAFT, "member"),  # a member of the zone, not its administrator
        ("submit", S.DRAFT, "province"),  # the province gives its opinion, it does not file
        ("withdraw", S.SUBMITTED, "office"),
        ("endorse", S.SUBMITTED, "jilin"),  # another province
        ("endorse", S.SUBMITTED, "committee"),
        ("endorse", S.SUBMITTED, "office"),  # the office decides; the opinion is the province's
        ("return", S.SUBMITTED, "jilin"),
        ("approve", S.ENDORSED, "province"),  # only the office decides
        ("reject", S.ENDORSED, "committee"),
        ("send_back", S.ENDORSED, "province"),
        ("approve", S.ENDORSED, "outsider"),
    ],
)
def test_the_wrong_people_are_refused(zones, zone_people, name, state, who):
    req = make(zones["shenyang"], zone_people["committee"], state)
    with pytest.raises(PermissionDenied):
        area_request_run(name, actor=zone_people[who], request_id=req.pk, data=INPUT.get(name))
    req.refresh_from_db()
    assert req.status == state


@pytest.mark.parametrize(
    "name,state,data,field,code",
    [
        ("endorse", S.SUBMITTED, {"province_opinion": "同意"}, "province_supports", "opinion_required"),
        ("endorse", S.SUBMITTED, {"province_supports": "maybe", "province_opinion": "同意"}, "province_supports",
         "opinion_required"),
        ("endorse", S.SUBMITTED, {"province_supports": True}, "province_opinion", "opinion_required"),
        ("endorse", S.SUBMITTED, {"province_supports": True, "province_opinion": "x" * 2001}, "province_opinion",
         "validation_error"),
        ("return", S.SUBMITTED, {}, "reason", "validation_error"),
        ("return", S.SUBMITTED, {"reason": "退回\x07"}, "reason", "validation_error"),
        ("send_back", S.ENDORSED, {"reason": " "}, "reason", "validation_error"),
        ("approve", S.ENDORSED, {"decision_note": "同意"}, "approved_area", "area_required"),
        ("approve", S.ENDORSED, {"approved_area": "38"}, "decision_note", "decision_note_required"),
        ("approve", S.ENDORSED, {"approved_area": "40.01", "decision_note": "同意"}, "approved_area",
         "approved_area_out_of_range"),  # more than asked for
        ("approve", S.ENDORSED, {"approved_area": "32.50", "decision_note": "同意"}, "approved_area",
         "approved_area_out_of_range"),  # no change at all: that is a rejection
        ("approve", S.ENDORSED, {"approved_area": "0", "decision_note": "同意"}, "approved_area",
         "area_out_of_range"),
        ("reject", S.ENDORSED, {}, "decision_note", "decision_note_required"),
    ],
)  # fmt: skip
def test_step_inputs_are_required_and_checked(zones, zone_people, name, state, data, field, code):
    req = make(zones["shenyang"], zone_people["committee"], state)
    with pytest.raises(ValidationFailed) as exc:
        area_request_run(name, actor=zone_people[ACTOR[name]], request_id=req.pk, data=data)
    assert exc.value.code == code and field in exc.value.details
    req.refresh_from_db()
    assert req.status == state and not Notification.objects.exists()


def test_a_step_with_bad_inputs_is_still_refused_to_the_wrong_people_first(zones, zone_people):
    req = make(zones["shenyang"], zone_people["committee"], S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        area_request_run("endorse", actor=zone_people["jilin"], request_id=req.pk, data={})


def test_a_reduction_may_be_approved_in_part(zones, zone_people):
    req = make(zones["shenyang"], zone_people["committee"], S.ENDORSED)
    AreaRequest.objects.filter(pk=req.pk).update(
        requested_area=Decimal("30.00"), area_industrialisation=Decimal("10.00")
    )
    with pytest.raises(ValidationFailed):
        area_request_run("approve", actor=zone_people["office"], request_id=req.pk,
                         data={"approved_area": "29.99", "decision_note": "同意"})  # fmt: skip
    done = area_request_run(
        "approve", actor=zone_people["office"], request_id=req.pk, data={"approved_area": "31", "decision_note": "同意"}
    )
    assert done.approved_area == Decimal("31.00")


def test_the_whole_way_with_its_history_and_notifications(zones, zone_people):
    filer = zone_people["committee"]
    req = make(zones["shenyang"], filer)
    run = area_request_run
    run("submit", actor=filer, request_id=req.pk)
    run("return", actor=zone_people["province"], request_id=req.pk, data=INPUT["return"])
    req.refresh_from_db()
    assert req.status == S.RETURNED and req.status_note == "请补充用地四至范围图。"
    note = Notification.objects.get(user=filer)
    assert note.kind == "area_request_returned" and "四至范围图" in note.body
    assert note.url == f"/zones/area-requests/{req.pk}/"
    # resubmitted: the reason is cleared on the record, kept in the history
    assert run("submit", actor=filer, request_id=req.pk).status_note == ""
    run("endorse", actor=zone_people["province"], request_id=req.pk,
        data={"province_supports": "false", "province_opinion": "不同意：占用基本农田。"})  # fmt: skip
    req.refresh_from_db()
    assert req.province_supports is False and req.status == S.ENDORSED  # forwarded all the same
    run("send_back", actor=zone_people["office"], request_id=req.pk, data=INPUT["send_back"])
    run("submit", actor=filer, request_id=req.pk)
    run("endorse", actor=zone_people["province"], request_id=req.pk, data=INPUT["endorse"])
    done = run("approve", actor=zone_people["office"], request_id=req.pk, data=INPUT["approve"])
    assert (done.status, done.approved_area, done.province_supports) == (S.APPROVED, Decimal("38.00"), True)
    events = list(
        AuditLog.objects.filter(object_type="zones.arearequest", object_id=str(req.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert events == [
        "area_request.submitted",
        "area_request.returned",
        "area_request.submitted",
        "area_request.endorsed",
        "area_request.sent_back",
        "area_request.submitted",
        "area_request.endorsed",
        "area_request.approved",
    ]
    approved = AuditLog.objects.get(action="area_request.approved", object_id=str(req.pk))
    assert approved.changes["approved_area"] == [None, "38.00"] and "decision_note" in approved.changes
    kinds = list(Notification.objects.filter(user=filer).order_by("id").values_list("kind", flat=True))
    assert kinds == [
        "area_request_returned",
        "area_request_endorsed",
        "area_request_returned",
        "area_request_endorsed",
        "area_request_decided",
    ]
    assert "38 平方公里" in Notification.objects.filter(user=filer).order_by("-id").first().body


def test_a_rejection_tells_the_filer(zones, zone_people):
    req = make(zones["shenyang"], zone_people["committee"], S.ENDORSED)
    area_request_run("reject", actor=zone_people["office"], request_id=req.pk, data=INPUT["reject"])
    note = Notification.objects.get(user=zone_people["committee"])
    assert note.kind == "area_request_decided" and "未获批准" in note.title and note.body == "扩区依据不足。"


def test_a_request_without_a_filer_notifies_no_one(zones, zone_people):
    req = make(zones["shenyang"], None, S.SUBMITTED)
    area_request_run("return", actor=zone_people["province"], request_id=req.pk, data=INPUT["return"])
    assert not Notification.objects.exists()


def test_a_submission_checks_the_areas_again(zones, zone_people):
    req = make(zones["shenyang"], zone_people["committee"])
    AreaRequest.objects.filter(pk=req.pk).update(area_innovation=Decimal("1.00"))  # written around the service
    with pytest.raises(ValidationFailed) as exc:
        area_request_run("submit", actor=zone_people["committee"], request_id=req.pk)
    assert exc.value.code == "area_uses_mismatch"


def test_the_province_hears_of_a_submission_and_the_office_of_an_opinion(zones, zone_people):
    filer, province, office = zone_people["committee"], zone_people["province"], zone_people["office"]
    req = make(zones["shenyang"], filer)
    area_request_run("submit", actor=filer, request_id=req.pk)
    note = Notification.objects.get(user=province)  # 辽宁 (沈阳's province) only: not 吉林
    assert note.kind == "area_request_to_endorse" and "待出具省级意见" in note.title
    assert "32.50" in note.body and "40.00" in note.body and note.url == f"/zones/area-requests/{req.pk}/"
    assert not Notification.objects.filter(user__in=[zone_people["jilin"], office, filer]).exists()
    area_request_run("endorse", actor=province, request_id=req.pk, data=INPUT["endorse"])
    assert Notification.objects.get(user=office).kind == "area_request_to_decide"
    assert Notification.objects.get(user=filer).kind == "area_request_endorsed"
    assert Notification.objects.filter(user=province).count() == 1  # the actor is not told of its own step
