"""Saving an assignment takes a bounded number of queries whatever its size: the Assignment rows
and the experts' notifications go in bulk inserts, with one audit row for the round."""

import pytest

from nesta.core.models import AuditLog, Notification
from nesta.programmes.models import Assignment
from nesta.programmes.services import assignment as services

pytestmark = pytest.mark.django_db


def test_save_writes_every_row_and_notification_in_a_bounded_number_of_queries(
    pool, office, django_assert_max_num_queries
):
    rnd = pool["round"]
    rnd.call.title  # noqa: B018 — the round's call is read once by the run anyway
    pairs = [services.Pair(a, e, 0.5) for a in pool["apps"] for e in pool["experts"]]  # 54 seats, 9 experts
    with django_assert_max_num_queries(2):  # the seats' INSERT, the notifications' INSERT
        saved = services._save(office, rnd, None, pairs, source="solver")
    assert saved == 54 == Assignment.objects.filter(round=rnd, status="invited", source="solver").count()
    notes = Notification.objects.filter(kind="review_invitation")
    assert notes.count() == 9  # one per expert, with their seat count
    assert all("（6 项）" in n.title for n in notes)


def test_a_saved_run_stays_within_a_constant_number_of_queries(pool, office, django_assert_max_num_queries):
    # 20 on SQLite for 18 seats: the pool read (about ten), permissions, the two INSERTs, the audit row
    with django_assert_max_num_queries(24):
        result = services.assignment_run(actor=office, call_id=pool["call"].pk, data={}, save=True)
    assert result.saved == 18 == Assignment.objects.filter(round=pool["round"]).count()
    assert AuditLog.objects.filter(action="assignment.created").count() == 1
    assert Notification.objects.filter(kind="review_invitation").count() == len({p.expert.pk for p in result.pairs})
