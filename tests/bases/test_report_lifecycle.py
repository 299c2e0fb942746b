"""The annual report's workflow: each transition from each state, by the role the table names;
refused by the others; the returned report tells whoever filled it in."""

import pytest

from nesta.bases.lifecycles import REPORT
from nesta.bases.models import ReportStatus
from nesta.core.errors import Conflict, PermissionDenied
from nesta.core.models import AuditLog, Notification
from tests.bases.factories import BaseReportFactory

pytestmark = pytest.mark.django_db

ACTOR = {"submit": "member", "check": "province", "return": "province", "accept": "office", "send_back": "office"}


def test_every_offered_transition_has_an_actor():
    assert {t.name for t in REPORT.offered()} == set(ACTOR)


@pytest.mark.parametrize("name,state", [(t.name, s) for t in REPORT.offered() for s in ReportStatus.values])
def test_transition_from_state(people, name, state):
    report = BaseReportFactory(base=people["base"], status=state, created_by=people["member"])
    t = REPORT.transition(name)
    if state in t.sources:
        done = REPORT.run(name, actor=people[ACTOR[name]], obj_id=report.pk, status_note="理由")
        assert done.status == t.target
        assert getattr(done, t.timestamp) is not None
        assert AuditLog.objects.filter(action=t.event, object_id=str(report.pk)).exists()
    else:
        with pytest.raises(Conflict) as exc:
            REPORT.run(name, actor=people[ACTOR[name]], obj_id=report.pk)
        assert exc.value.code == "invalid_state"


@pytest.mark.parametrize(
    "name,state,who",
    [
        ("submit", ReportStatus.DRAFT, "other_member"),  # another organisation's base
        ("submit", ReportStatus.DRAFT, "province"),  # the province checks, it does not fill in
        ("check", ReportStatus.SUBMITTED, "jilin"),  # another province
        ("check", ReportStatus.SUBMITTED, "member"),
        ("accept", ReportStatus.CHECKED, "province"),  # only the office accepts
    ],
)
def test_the_wrong_people_are_refused(people, name, state, who):
    report = BaseReportFactory(base=people["base"], status=state)
    with pytest.raises(PermissionDenied):
        REPORT.run(name, actor=people[who], obj_id=report.pk)
    report.refresh_from_db()
    assert report.status == state


def test_a_returned_report_tells_whoever_filled_it_in(people):
    report = BaseReportFactory(base=people["base"], status=ReportStatus.SUBMITTED, created_by=people["member"])
    REPORT.run("return", actor=people["province"], obj_id=report.pk, status_note="研发投入与财务决算不符")
    note = Notification.objects.get(user=people["member"])
    assert note.kind == "base_report_returned" and "研发投入与财务决算不符" in note.body
    # and it may be submitted again
    assert REPORT.run("submit", actor=people["member"], obj_id=report.pk).status == ReportStatus.SUBMITTED
