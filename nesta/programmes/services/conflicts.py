"""Writes of conflicts of interest: an expert declares a conflict on one of their invitations
(conflict.declare, Scope.SELF). The declaration is kept (the rules read it for every later run)
and the seat is declined and filled again."""

from typing import Any

from django.utils.translation import gettext as _

from nesta.core.audit import audit_record
from nesta.core.transactions import write_transaction
from nesta.core.validators import clean_text
from nesta.programmes.models import Assignment, ConflictDeclaration
from nesta.programmes.services.invitations import OPEN, decline, own_seat


def conflict_declare(*, actor: Any, assignment_id: int, reason: str) -> tuple[ConflictDeclaration, list[Assignment]]:
    """Declare a conflict on one's own seat; returns the declaration and the replacement seats."""
    reason = clean_text(reason, field="reason", max_length=300, required=True)
    with write_transaction():
        seat = own_seat(assignment_id, actor, action="conflict.declare")
        declaration, _created = ConflictDeclaration.objects.update_or_create(
            expert=seat.expert, application=seat.application, defaults={"reason": reason}
        )
        audit_record(
            actor=actor,
            action="conflict.declared",
            instance=seat,
            changes={"application": seat.application_id, "reason": reason},
        )
        replaced: list[Assignment] = []
        if seat.status in OPEN:
            replaced = decline(seat, actor, _("利益冲突：%(r)s") % {"r": reason})
        return declaration, replaced
