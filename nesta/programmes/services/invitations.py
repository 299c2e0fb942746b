"""An expert's answers to their invitations: accept, or decline with a reason — a decline's seat
is filled again at once by re-solving that application's open seats (others fixed, source
replacement). Experts act only on their own seats (review.submit, Scope.SELF)."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, NotFound
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import clean_text
from nesta.programmes.models import Assignment, AssignmentStatus
from nesta.programmes.services.assignment import fill_open_seats

OPEN = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)


def own_seat(assignment_id: Any, actor: Any, action: str = "review.submit") -> Assignment:
    if isinstance(assignment_id, bool) or not isinstance(assignment_id, int) or not 0 < assignment_id < 2**31:
        raise NotFound(_("未找到该评审邀请。"))
    seat = (
        Assignment.objects.select_related("round", "round__call", "application", "application__province", "expert")
        .filter(pk=assignment_id)
        .first()
    )
    if seat is None:
        raise NotFound(_("未找到该评审邀请。"))
    require(actor, action, seat)
    return seat


def assignment_accept(*, actor: Any, assignment_id: int) -> Assignment:
    with write_transaction():
        seat = own_seat(assignment_id, actor)
        if seat.status != AssignmentStatus.INVITED:
            raise Conflict(_("该邀请已答复。"), code="invalid_state", details={"status": seat.status})
        seat.status = AssignmentStatus.ACCEPTED
        seat.responded_at = timezone.now()
        seat.save(update_fields=["status", "responded_at"])
        audit_record(
            actor=actor, action="assignment.accepted", instance=seat, changes={"status": ["invited", "accepted"]}
        )
        return seat


def decline(seat: Assignment, actor: Any, reason: str) -> list[Assignment]:
    """Inside a transaction: mark the seat declined and fill it again; the new seats."""
    if seat.status not in OPEN:
        raise Conflict(_("该评审已提交或已撤换，不能谢绝。"), code="invalid_state", details={"status": seat.status})
    before = seat.status
    seat.status = AssignmentStatus.DECLINED
    seat.responded_at = timezone.now()
    seat.decline_reason = reason
    seat.save(update_fields=["status", "responded_at", "decline_reason"])
    audit_record(
        actor=actor,
        action="assignment.declined",
        instance=seat,
        changes={"status": [before, "declined"], "reason": reason},
    )
    return fill_open_seats(actor=actor, rnd=seat.round, application_ids=[seat.application_id])


def assignment_decline(*, actor: Any, assignment_id: int, reason: str) -> list[Assignment]:
    """Decline (a reason is required); returns the replacement seats created."""
    reason = clean_text(reason, field="reason", max_length=300, required=True)
    with write_transaction():
        seat = own_seat(assignment_id, actor)
        return decline(seat, actor, reason)
