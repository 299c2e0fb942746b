"""Training requests from the user side (issue 8): 申请 → the staff schedule a session → grant the
qualification (with an expiry; services.access.qualification_grant creates or renews it) or
decline with a reason; the user may withdraw. The steps run through the TRAINING table
(lifecycles.training): locked, permission-checked, audited, the other party told.

One open request (requested or scheduled) per user and instrument (the model's constraint; 409
request_open). Asking is refused for an instrument that needs no training (422
training_not_required) and while the user's qualification is valid beyond RENEW_WINDOW (422
already_qualified): one about to expire may be renewed."""

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.notifications import notify
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import clean_text
from nesta.instruments.lifecycles import TRAINING
from nesta.instruments.models import Instrument, Qualification, TrainingRequest
from nesta.instruments.services.access import qualification_grant

T = TrainingRequest.Status
RENEW_WINDOW = timedelta(days=30)  # a qualification expiring within this may be renewed by a new request
MESSAGE_MAX = 2000
NOTE_MAX = 300
LOCATION_MAX = 200
SESSION_MAX = timedelta(days=7)


def _instrument(instrument_id: int) -> Instrument:
    instrument = Instrument.objects.select_related("policy", "province").filter(pk=instrument_id).first()
    if instrument is None:
        raise NotFound()
    return instrument


def requires_training(instrument: Instrument) -> bool:
    policy = getattr(instrument, "policy", None)
    return bool(policy is not None and policy.requires_training)


def qualified_beyond_renewal(instrument_id: int, user_id: int, now: datetime) -> bool:
    """A qualification valid for longer than RENEW_WINDOW (or without expiry)."""
    q = Qualification.objects.filter(instrument_id=instrument_id, user_id=user_id).first()
    return q is not None and (q.expires_at is None or q.expires_at > now + RENEW_WINDOW)


def training_request(
    *, actor: Any, instrument_id: int, message: str = "", now: datetime | None = None
) -> TrainingRequest:
    """Ask for training on the instrument; its managers are told."""
    require(actor, "training.request")
    now = now or timezone.now()
    instrument = _instrument(instrument_id)
    if not requires_training(instrument):
        raise ValidationFailed(_("该仪器无需上机培训，可直接预约。"), code="training_not_required")
    if qualified_beyond_renewal(instrument.pk, actor.pk, now):
        raise ValidationFailed(_("您已具备该仪器的上机资格。"), code="already_qualified")
    message = clean_text(message, field="message", max_length=MESSAGE_MAX)  # no control characters (web too)
    with write_transaction():
        request = TrainingRequest(instrument=instrument, user=actor, message=message)
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError as exc:
            raise Conflict(_("您已有一份处理中的培训申请。"), code="request_open") from exc
        audit_record(
            actor=actor, action="training.requested", instance=request, changes={"status": [None, T.REQUESTED]}
        )
        for manager in instrument.managers.exclude(pk=actor.pk):
            notify(
                user=manager,
                kind="training_requested",
                title=_("新的上机培训申请：%(i)s") % {"i": instrument.name},
                body=f"{actor} {request.message[:200]}".strip(),
                url=reverse("instruments:training_requests", args=[instrument.pk]),
            )
    return request


def _aware(value: Any, name: str) -> datetime:
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise ValidationFailed(details={name: [_("时间须带时区，例如 2026-12-01T09:00:00+08:00。")]})
    return value


def training_schedule(
    *,
    actor: Any,
    request_id: int,
    start: datetime,
    end: datetime,
    location: str = "",
    note: str = "",
    now: datetime | None = None,
) -> TrainingRequest:
    """Set (or move) the training session; the user is told when and where."""
    start, end = _aware(start, "start"), _aware(end, "end")
    now = now or timezone.now()
    if end <= start:
        raise ValidationFailed(details={"end": [_("结束时间必须晚于开始时间。")]})
    if end - start > SESSION_MAX:
        raise ValidationFailed(details={"end": [_("培训时长不能超过 7 天。")]})
    if start < now:
        raise ValidationFailed(details={"start": [_("培训时间不能早于当前时间。")]})
    return TRAINING.run(
        "schedule",
        actor=actor,
        obj_id=request_id,
        now=now,
        session_start=start,
        session_end=end,
        session_location=clean_text(location, field="location", max_length=LOCATION_MAX, multiline=False),
        manager_note=clean_text(note, field="note", max_length=NOTE_MAX),
        decided_by=actor,
    )


def training_grant(
    *, actor: Any, request_id: int, expires_at: datetime | None = None, now: datetime | None = None
) -> TrainingRequest:
    """Grant the qualification (valid until `expires_at`, if given): created or renewed through
    services.access in the same transaction; the user is told."""
    now = now or timezone.now()
    if expires_at is not None:
        expires_at = _aware(expires_at, "expires_at")
        if expires_at <= now:
            raise ValidationFailed(details={"expires_at": [_("有效期须晚于当前时间。")]})

    def grant(request: TrainingRequest, _t: Any) -> None:
        qualification_grant(actor=actor, instrument=request.instrument, user=request.user, expires_at=expires_at)

    return TRAINING.run(
        "grant",
        actor=actor,
        obj_id=request_id,
        now=now,
        effect=grant,
        qualification_expires_at=expires_at,
        decided_by=actor,
    )


def training_decline(*, actor: Any, request_id: int, reason: str, now: datetime | None = None) -> TrainingRequest:
    reason = clean_text(reason, field="reason", max_length=NOTE_MAX)  # no control characters (web and API)
    if not reason:
        raise ValidationFailed(details={"reason": [_("请说明原因。")]})
    return TRAINING.run(
        "decline", actor=actor, obj_id=request_id, now=now, manager_note=reason[:NOTE_MAX], decided_by=actor
    )


def training_withdraw(*, actor: Any, request_id: int, now: datetime | None = None) -> TrainingRequest:
    return TRAINING.run("withdraw", actor=actor, obj_id=request_id, now=now)
