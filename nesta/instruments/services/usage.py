"""Actual use recorded by the instrument's staff: use without a booking (walk-in, a testing order's
run, a session nobody checked into). 有效机时 come from these sessions and from check-in/check-out,
never from bookings."""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record
from nesta.core.errors import ValidationFailed
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.instruments.models import Instrument, UsageSession
from nesta.instruments.services.fees import charges_post_usage

MAX_SESSION = timedelta(days=31)
MAX_SAMPLES = 1_000_000
# Clocks differ a little; a session may not end further than this in the future.
CLOCK_SKEW = timedelta(minutes=5)


def _aware(value: Any, name: str, errors: dict[str, list[str]]) -> datetime | None:
    if not isinstance(value, datetime) or timezone.is_naive(value):
        errors.setdefault(name, []).append(_("时间须带时区，例如 2026-12-01T09:00:00+08:00。"))
        return None
    return value


def usage_record(
    *,
    actor: Any,
    instrument: Instrument,
    user: Any,
    started_at: datetime,
    ended_at: datetime,
    samples: int = 0,
    operator: str = "",
    notes: str = "",
    now: datetime | None = None,
) -> UsageSession:
    """A manager records a finished session of `user` on `instrument`, and its charges.

    The session is external when the user's organisation is not the instrument's owner (a user
    without an organisation is external). It may not overlap another session of the instrument.
    """
    require(actor, "instrument.manage", instrument)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    start = _aware(started_at, "started_at", errors)
    end = _aware(ended_at, "ended_at", errors)
    if start and end:
        if end <= start:
            errors.setdefault("ended_at", []).append(_("结束时间须晚于开始时间。"))
        elif end - start > MAX_SESSION:
            errors.setdefault("ended_at", []).append(_("单次使用不能超过31天。"))
        if end > now + CLOCK_SKEW:
            errors.setdefault("ended_at", []).append(_("不能登记尚未结束的使用。"))
    if not isinstance(samples, int) or not 0 <= samples <= MAX_SAMPLES:
        errors.setdefault("samples", []).append(_("样品数应在 0 到 1000000 之间。"))
    if len(operator) > 50:
        errors.setdefault("operator", []).append(_("最多50个字符。"))
    if len(notes) > 5000:
        errors.setdefault("notes", []).append(_("最多5000个字符。"))
    if user is None or not getattr(user, "pk", None):
        errors.setdefault("user", []).append(_("须指明使用人。"))
    if errors:
        raise ValidationFailed(details=errors)
    assert start is not None and end is not None

    with write_transaction():
        locked = Instrument.objects.select_for_update(of=("self",)).get(pk=instrument.pk)
        clash = (
            UsageSession.objects.filter(instrument=locked, started_at__lt=end)
            .filter(Q(ended_at__gt=start) | Q(ended_at__isnull=True))
            .order_by("started_at")
            .first()
        )
        if clash is not None:
            raise ValidationFailed(
                _("与已有使用记录时间重叠。"),
                code="usage_overlap",
                details={
                    "usage_session_id": clash.pk,
                    "started_at": clash.started_at.isoformat(),
                    "ended_at": clash.ended_at.isoformat() if clash.ended_at else None,
                },
            )
        session = UsageSession.objects.create(
            instrument=locked,
            user=user,
            organization_id=user.organization_id,
            operator=operator or str(user)[:50],
            started_at=start,
            ended_at=end,
            samples=samples,
            notes=notes,
            is_external=user.organization_id != locked.owner_id,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="usage.recorded",
            instance=session,
            changes={
                "user": [None, user.pk],
                "started_at": [None, start.isoformat()],
                "ended_at": [None, end.isoformat()],
                "samples": [None, samples],
                "is_external": [None, session.is_external],
            },
        )
        charges_post_usage(actor=actor, session=session)
    return session
