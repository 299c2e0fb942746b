"""Blackouts (when an instrument is closed) and training qualifications (who may book one that
requires training). Each write checks `instrument.manage` on the instrument and is audited."""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import NotFound, ValidationFailed
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.instruments.models import Blackout, Instrument, Qualification
from nesta.instruments.services.registry import full_clean, instrument_loaded, instrument_target


def _aware(value: Any, name: str) -> datetime:
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise ValidationFailed(details={name: [_("时间须带时区，例如 2026-12-01T09:00:00+08:00。")]})
    return value


@write_transaction()
def blackout_add(
    *,
    actor: Any,
    instrument: Instrument,
    start: datetime,
    end: datetime,
    kind: str = Blackout.Kind.MAINTENANCE,
    reason: str = "",
) -> Blackout:
    """Close the instrument for a period (maintenance or not open). Bookings already in it stay;
    the manager sees them in the calendar and decides."""
    require(actor, "instrument.manage", instrument_target(instrument))
    start, end = _aware(start, "start"), _aware(end, "end")
    if end <= start:
        raise ValidationFailed(details={"end": [_("结束时间必须晚于开始时间。")]})
    blackout = Blackout(instrument=instrument, start=start, end=end, kind=kind, reason=reason or "")
    full_clean(blackout, exclude=["instrument"])
    blackout.save()
    audit_record(
        actor=actor,
        action="blackout.added",
        instance=blackout,
        changes=diff({}, snapshot(blackout)),
    )
    return blackout


@write_transaction()
def blackout_remove(*, actor: Any, blackout: Blackout) -> None:
    instrument = instrument_loaded(blackout.instrument_id)
    require(actor, "instrument.manage", instrument_target(instrument))
    before = snapshot(blackout)
    pk, text = blackout.pk, str(blackout)
    deleted, _rows = Blackout.objects.filter(pk=pk).delete()
    if not deleted:
        raise NotFound()
    audit_record(
        actor=actor,
        action="blackout.removed",
        object_type="instruments.blackout",
        object_id=pk,
        object_repr=text[:200],
        changes=diff(before, {}),
    )


@write_transaction()
def qualification_grant(
    *, actor: Any, instrument: Instrument, user: Any, expires_at: datetime | None = None
) -> Qualification:
    """Record that `user` passed the instrument's training (valid until `expires_at`, if given);
    granting again renews it."""
    require(actor, "instrument.manage", instrument_target(instrument))
    if expires_at is not None:
        expires_at = _aware(expires_at, "expires_at")
        if expires_at <= timezone.now():
            raise ValidationFailed(details={"expires_at": [_("有效期须晚于当前时间。")]})
    fields = ["instrument", "user", "expires_at", "granted_by"]
    qualification = Qualification.objects.select_for_update().filter(instrument=instrument, user=user).first()
    before = snapshot(qualification, fields) if qualification else {}
    if qualification is None:
        qualification = Qualification(instrument=instrument, user=user)
    qualification.expires_at = expires_at
    qualification.granted_by = actor
    qualification.save()
    after = snapshot(qualification, fields)
    audit_record(
        actor=actor,
        action="qualification.renewed" if before else "qualification.granted",
        instance=qualification,
        changes=diff(before, after) if before else diff({}, after),
    )
    return qualification


@write_transaction()
def qualification_revoke(*, actor: Any, instrument: Instrument, user: Any) -> bool:
    """Withdraw the user's qualification; False when there was none."""
    require(actor, "instrument.manage", instrument_target(instrument))
    qualification = Qualification.objects.filter(instrument=instrument, user=user).first()
    if qualification is None:
        return False
    before = snapshot(qualification, ["instrument", "user", "expires_at", "granted_by"])
    pk, text = qualification.pk, str(qualification)
    qualification.delete()
    audit_record(
        actor=actor,
        action="qualification.revoked",
        object_type="instruments.qualification",
        object_id=pk,
        object_repr=text[:200],
        changes=diff(before, {}),
    )
    return True
