"""Booking an instrument: one service for the web UI and the API, governed by the instrument's
policy (instruments.policy). Two active bookings of one instrument never overlap: the overlap
check runs under the write lock (SQLite) or the instrument's row lock (PostgreSQL), and on
PostgreSQL an exclusion constraint forbids overlaps whatever path writes."""

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import DurationField, ExpressionWrapper, F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.notifications import notify
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import clean_text
from nesta.instruments.lifecycles import BOOKING
from nesta.instruments.lifecycles.waitlist import held_conflict
from nesta.instruments.models import (
    Booking,
    BookingPolicy,
    IdempotencyRecord,
    Instrument,
    Qualification,
    UsageSession,
)
from nesta.instruments.policy import LOCAL, BookingRequest, BookingRules, Rules, Violation, local_minute
from nesta.instruments.services import booking_sql
from nesta.instruments.services.payers import account_check, booking_estimate


class DbLedger:
    """The policy's questions answered from the database (active bookings only). A booking being
    moved (`exclude_id`) does not count against its own quotas."""

    def __init__(self, instrument: Instrument, user: Any, exclude_id: int | None = None):
        self.instrument = instrument
        self.user = user
        self.exclude_id = exclude_id

    def booked_minutes(self, *, user_id=None, organization_id=None, start: datetime, end: datetime) -> int:
        qs = Booking.objects.filter(instrument=self.instrument, status__in=Booking.ACTIVE, start__lt=end, end__gt=start)
        qs = qs.filter(user_id=user_id) if user_id else qs.filter(organization_id=organization_id)
        if self.exclude_id is not None:
            qs = qs.exclude(pk=self.exclude_id)
        total = qs.aggregate(d=Sum(ExpressionWrapper(F("end") - F("start"), output_field=DurationField())))["d"]
        return int(total.total_seconds() // 60) if total else 0

    def blackout_between(self, start: datetime, end: datetime) -> str | None:
        return booking_sql.blackout_reason(self.instrument.pk, start, end)

    def qualification_expiry(self) -> tuple[bool, datetime | None]:
        q = Qualification.objects.filter(instrument=self.instrument, user=self.user).first()
        return (q is not None, q.expires_at if q else None)

    def offences_since(self, since: datetime) -> tuple[int, datetime | None]:
        return booking_sql.offences_since(self.instrument.pk, self.user.pk, since)


def _policy(instrument: Instrument) -> BookingPolicy:
    policy = getattr(instrument, "policy", None)
    return policy if policy is not None else BookingPolicy(instrument=instrument)


def aware(value: datetime, name: str) -> datetime:
    if value is None or timezone.is_naive(value):
        raise ValidationFailed(details={name: [_("时间须带时区，例如 2026-12-01T09:00:00+08:00。")]})
    return value


def violations_error(violations: list[Violation]) -> ValidationFailed:
    first = violations[0]
    return ValidationFailed(
        first.message,
        code=first.code,
        details={"violations": [{"code": v.code, "message": v.message, **v.details} for v in violations]},
    )


def _overlapping(instrument: Instrument, start: datetime, end: datetime, gap: int, exclude_id: int | None = None):
    margin = timedelta(minutes=gap)
    qs = Booking.objects.filter(
        instrument=instrument, status__in=Booking.ACTIVE, start__lt=end + margin, end__gt=start - margin
    )
    return qs.exclude(pk=exclude_id) if exclude_id is not None else qs


@dataclass
class BookingResult:
    booking: Booking
    replayed: bool = False


@dataclass
class Attempt:
    """One slot to book (or to move a booking to), with the rules of its booker that apply to it;
    `exclude_id` is the booking being moved, which neither clashes with nor counts against itself."""

    instrument: Instrument
    policy: BookingPolicy
    rules: BookingRules
    request: BookingRequest
    ledger: DbLedger
    booker: Any
    exclude_id: int | None = None


def _instrument(instrument_id: int) -> Instrument:
    instrument = Instrument.objects.select_related("policy", "province").filter(pk=instrument_id).first()
    if instrument is None:
        raise NotFound()
    return instrument


def slot_attempt(
    *,
    booker: Any,
    instrument: Instrument,
    start: datetime,
    end: datetime,
    now: datetime,
    exclude_id: int | None = None,
    is_external: bool | None = None,
) -> Attempt:
    """The booker's rules for [start, end): their training, quotas, suspension, and whether they
    are external (their organisation is not the owner) unless the booking already says."""
    policy = _policy(instrument)
    request = BookingRequest(
        start=start,
        end=end,
        user_id=booker.pk,
        organization_id=booker.organization_id,
        is_external=booker.organization_id != instrument.owner_id if is_external is None else is_external,
        now=now,
    )
    rules = BookingRules(Rules.from_policy(policy, instrument))
    ledger = DbLedger(instrument, booker, exclude_id=exclude_id)
    return Attempt(instrument, policy, rules, request, ledger, booker, exclude_id)


def check_request(attempt: Attempt) -> None:
    """The rules other bookings cannot change, checked before queueing for the write lock (a
    policy edited meanwhile applies from the next request on)."""
    violations = attempt.rules.check_request(attempt.request, attempt.ledger)
    if violations:
        raise violations_error(violations)


def check_slot(attempt: Attempt) -> None:
    """Under the write lock: the rules that depend on other bookings — quotas, overlap (409
    slot_taken), the gap to neighbours (422) — the booking being moved left out of all three."""
    policy, request = attempt.policy, attempt.request
    start, end = request.start, request.end
    violations = attempt.rules.check_quotas(request, attempt.ledger)
    if violations:
        raise violations_error(violations)
    state = booking_sql.slot_state(
        instrument_id=attempt.instrument.pk,
        start=start,
        end=end,
        gap_minutes=policy.gap_minutes,
        exclude_id=attempt.exclude_id,
        user_id=attempt.booker.pk,
        now=request.now,
    )
    clash = state.clash(start, end)
    if clash is not None:
        raise Conflict(
            _("该时段已被预约。"),
            code="slot_taken",
            details={"start": clash[0].isoformat(), "end": clash[1].isoformat()},
        )
    # an open waiting-list offer holds its slot for its user (409 slot_offered)
    if state.held_until is not None:
        raise held_conflict(state.held_until)
    # The blackouts again, now under the lock: a shutdown or maintenance created after the rules
    # were checked (before the lock) must not let this booking land inside it unflagged.
    if state.blackout:
        raise violations_error([Violation("blackout", _("该时段仪器停机：%(reason)s") % {"reason": state.blackout})])
    if state.near:
        raise ValidationFailed(
            _("与相邻预约之间需间隔 %(m)d 分钟。") % {"m": policy.gap_minutes},
            code="gap_required",
            details={"gap_minutes": policy.gap_minutes},
        )


def check_account(attempt: Attempt, account_id: int | None) -> Any:
    """Under the write lock: the payer account the booking goes to (services.payers: the
    booker's organisation's, active, valid on the local date, within its limit with this
    booking's estimate; the booking being moved leaves its old estimate out). None: no account."""
    if account_id is None:
        return None
    request = attempt.request
    amount = booking_estimate(attempt.instrument, is_external=request.is_external, start=request.start, end=request.end)
    return account_check(
        user=attempt.booker,
        account_id=account_id,
        instrument=attempt.instrument,
        amount=amount,
        occurs_on=request.start.astimezone(LOCAL).date(),
        exclude_booking_id=attempt.exclude_id,
    )


def lock_instrument_row(instrument: Instrument) -> None:
    # PostgreSQL: the row lock queues the bookings of one instrument (the exclusion constraint
    # stays the last word). SQLite: the transaction already holds the database's write lock.
    if connection.features.has_select_for_update:
        Instrument.objects.select_for_update().filter(pk=instrument.pk).values_list("pk").first()


def _insert_checked(
    *, actor: Any, attempt: Attempt, purpose: str, series: uuid.UUID | None = None, account_id: int | None = None
) -> Booking:
    """Under the write lock: the rules that depend on other bookings (check_slot), then the insert
    and its audit record. The booking is the attempt's booker's; `actor` booked it (on their
    behalf when the two differ)."""
    instrument, policy, request = attempt.instrument, attempt.policy, attempt.request
    start, end = request.start, request.end
    check_slot(attempt)
    account = check_account(attempt, account_id)
    booker = attempt.booker
    on_behalf = booker.pk != actor.pk
    pending = request.is_external and policy.external_requires_approval
    booking = Booking(
        instrument=instrument,
        user=booker,
        booked_by=actor if on_behalf else None,
        organization_id=booker.organization_id,
        start=start,
        end=end,
        purpose=purpose[:300],
        is_external=request.is_external,
        series=series,
        status=Booking.Status.PENDING if pending else Booking.Status.CONFIRMED,
        account=account,
    )
    try:
        booking.save()
    except IntegrityError as exc:  # the database's own guard, should any path race past us
        raise Conflict(_("该时段已被预约。"), code="slot_taken") from exc
    changes = {"start": [None, start.isoformat()], "end": [None, end.isoformat()], "status": [None, booking.status]}
    if on_behalf:
        changes["user"] = [None, str(booker)]
    if account is not None:
        changes["account"] = [None, str(account)]
    audit_record(actor=actor, action="booking.created", instance=booking, changes=changes)
    if on_behalf:
        notify(
            user=booker,
            kind="booking_on_behalf",
            title=_("%(who)s 为您预约了%(i)s") % {"who": actor, "i": instrument.name},
            body=f"{local_minute(start)}–{local_minute(end)[-5:]} {booking.get_status_display()}",
            url=reverse("instruments:my_bookings"),
        )
    if pending:
        for manager in instrument.managers.all():
            notify(
                user=manager,
                kind="booking_pending",
                title=_("新的预约待审批：%(i)s") % {"i": instrument.name},
                body=f"{booker} {local_minute(start)}–{local_minute(end)[-5:]}",
                url=f"/instruments/{instrument.pk}/",
            )
    return booking


def request_fingerprint(**values: Any) -> str:
    """A hash of what a request asks for (times compared as instants), kept with its idempotency
    key: the same key with another request is a client's mistake, not a repeat."""
    canonical = {
        k: (v.astimezone(UTC).isoformat() if isinstance(v, datetime) else v) for k, v in sorted(values.items())
    }
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _replay(actor: Any, key: str, scope: str, fingerprint: str) -> BookingResult | None:
    earlier = booking_sql.earlier_request(actor.pk, key, scope)
    if earlier is None:
        return None
    request_hash, body = earlier
    if request_hash and request_hash != fingerprint:
        raise ValidationFailed(
            _("该 Idempotency-Key 已用于另一个不同的请求，请为新请求使用新的键。"),
            code="idempotency_key_reused",
            details={"idempotency_key": [_("已用于另一个请求。")]},
        )
    return BookingResult(Booking.objects.get(pk=body["booking_id"]), replayed=True)


def _booker(actor: Any, instrument: Instrument, on_behalf_of: int | None) -> Any:
    """Whose booking it is: the actor's own, or (staff only) the active user they book for."""
    if on_behalf_of is None or on_behalf_of == actor.pk:
        return actor
    require(actor, "booking.on_behalf", instrument)
    user = get_user_model().objects.filter(pk=on_behalf_of, is_active=True).first()
    if user is None:
        raise ValidationFailed(
            _("未找到要代为预约的用户。"), code="unknown_user", details={"on_behalf_of": [_("无此用户。")]}
        )
    return user


def booking_create(
    *,
    actor: Any,
    instrument_id: int,
    start: datetime,
    end: datetime,
    purpose: str = "",
    idempotency_key: str | None = None,
    now: datetime | None = None,
    on_behalf_of: int | None = None,
    account_id: int | None = None,
) -> BookingResult:
    """Book one slot. Repeating an idempotency key returns the first booking instead of a second.
    With `on_behalf_of` (a user id) the instrument's staff book for that user: the booking is
    theirs and their rules apply (training, quotas, suspension, approval as external), the actor
    is kept as `booked_by`, and the user is told. With `account_id` the booking is charged to that
    payer account (services.payers.account_check, under the lock); None: to no account."""
    require(actor, "booking.create")
    start, end = aware(start, "start"), aware(end, "end")
    purpose = clean_text(purpose, field="purpose", max_length=300)  # the managers read it: no control characters
    now = now or timezone.now()
    scope = f"booking:{instrument_id}"
    asked = {"on_behalf_of": on_behalf_of} if on_behalf_of is not None else {}
    if account_id is not None:
        asked["account_id"] = account_id
    fingerprint = request_fingerprint(start=start, end=end, purpose=purpose, **asked)
    if idempotency_key and (replayed := _replay(actor, idempotency_key, scope, fingerprint)):
        return replayed
    instrument = _instrument(instrument_id)
    booker = _booker(actor, instrument, on_behalf_of)
    attempt = slot_attempt(booker=booker, instrument=instrument, start=start, end=end, now=now)
    check_request(attempt)
    with write_transaction():
        if idempotency_key and (replayed := _replay(actor, idempotency_key, scope, fingerprint)):
            return replayed  # the same key, sent twice at once: the first one booked
        lock_instrument_row(attempt.instrument)
        booking = _insert_checked(actor=actor, attempt=attempt, purpose=purpose, account_id=account_id)
        if idempotency_key:
            IdempotencyRecord.objects.create(
                user=actor,
                key=idempotency_key,
                scope=scope,
                status_code=201,
                body={"booking_id": booking.pk},
                request_hash=fingerprint,
            )
    return BookingResult(booking)


@dataclass
class SeriesResult:
    series: uuid.UUID
    created: list[Booking] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)


def booking_create_weekly(
    *,
    actor: Any,
    instrument_id: int,
    start: datetime,
    end: datetime,
    weeks: int,
    purpose: str = "",
    now: datetime | None = None,
    account_id: int | None = None,
) -> SeriesResult:
    """The same slot every week for `weeks` weeks; dates that clash or break a rule are skipped and
    reported, the others booked."""
    require(actor, "booking.create")
    if not 1 <= weeks <= 52:
        raise ValidationFailed(details={"weeks": [_("周数应在 1 到 52 之间。")]})
    purpose = clean_text(purpose, field="purpose", max_length=300)
    start, end = aware(start, "start"), aware(end, "end")
    now = now or timezone.now()
    result = SeriesResult(series=uuid.uuid4())
    instrument = _instrument(instrument_id)

    def skip(s: datetime, e: datetime, exc: Conflict | ValidationFailed) -> None:
        result.skipped.append(
            {"start": s.isoformat(), "end": e.isoformat(), "code": exc.code, "message": str(exc.message)}
        )

    attempts = []
    for week in range(weeks):
        s, e = start + timedelta(weeks=week), end + timedelta(weeks=week)
        attempt = slot_attempt(booker=actor, instrument=instrument, start=s, end=e, now=now)
        try:
            check_request(attempt)
            attempts.append(attempt)
        except ValidationFailed as exc:
            skip(s, e, exc)
    with write_transaction():
        lock_instrument_row(instrument)
        for attempt in attempts:
            try:
                with transaction.atomic():
                    result.created.append(
                        _insert_checked(
                            actor=actor, attempt=attempt, purpose=purpose, series=result.series, account_id=account_id
                        )
                    )
            except (Conflict, ValidationFailed) as exc:
                skip(attempt.request.start, attempt.request.end, exc)
    result.skipped.sort(key=lambda item: item["start"])
    if not result.created:
        # Nothing booked is a failure, not a 201 with an empty list: 409 when some date was
        # taken (another booking holds it), else 422 (every date breaks a rule).
        taken = any(item["code"] == "slot_taken" for item in result.skipped)
        error = Conflict if taken else ValidationFailed
        raise error(
            _("所选的 %(n)d 个日期都无法预约。") % {"n": weeks},
            code="series_unavailable",
            details={"skipped": result.skipped},
        )
    return result


def booking_cancel(*, actor: Any, booking_id: int, now: datetime | None = None) -> Booking:
    """Cancel; the booker cancelling after the policy's deadline makes it a late cancellation
    (an offence). The manager's side is told when someone else cancelled."""
    return BOOKING.run("cancel", actor=actor, obj_id=booking_id, now=now)


def booking_approve(*, actor: Any, booking_id: int) -> Booking:
    return BOOKING.run("approve", actor=actor, obj_id=booking_id, decided_by=actor)


def booking_reject(*, actor: Any, booking_id: int) -> Booking:
    return BOOKING.run("reject", actor=actor, obj_id=booking_id, decided_by=actor)


def booking_check_in(*, actor: Any, booking_id: int, now: datetime | None = None, operator: str = "") -> UsageSession:
    """The booker (or a manager) starts the session; actual use is recorded from now on."""
    now = now or timezone.now()
    started: list[UsageSession] = []

    def open_session(booking: Booking, _t: Any) -> None:
        session = UsageSession.objects.create(
            instrument=booking.instrument,
            booking=booking,
            user=booking.user,
            organization_id=booking.organization_id,
            operator=operator or str(booking.user),
            started_at=now,
            is_external=booking.is_external,
            recorded_by=actor,
        )
        audit_record(actor=actor, action="create", instance=session, changes={"started_at": [None, now.isoformat()]})
        started.append(session)

    BOOKING.run("check_in", actor=actor, obj_id=booking_id, now=now, effect=open_session)
    return started[0]


def booking_check_out(
    *, actor: Any, booking_id: int, now: datetime | None = None, samples: int = 0, notes: str = ""
) -> UsageSession:
    """The session ends now (at least a minute after it began) and is charged in the same
    transaction: the fee schedule applies to actual use."""
    now = now or timezone.now()
    closed: list[UsageSession] = []

    def check_samples(booking: Booking, _t: Any) -> None:
        if samples < 0:
            raise ValidationFailed(details={"samples": [_("样品数不能为负。")]})

    def close_session(booking: Booking, _t: Any) -> None:
        from nesta.instruments.services.fees import charges_post_usage

        session = UsageSession.objects.select_for_update().get(booking=booking)
        session.ended_at = max(now, session.started_at + timedelta(minutes=1))
        session.samples = samples
        session.notes = notes
        session.save()
        audit_record(
            actor=actor,
            action="update",
            instance=session,
            changes={"ended_at": [None, session.ended_at.isoformat()], "samples": [0, samples]},
        )
        charges_post_usage(actor=actor, session=session)
        closed.append(session)

    BOOKING.run("check_out", actor=actor, obj_id=booking_id, now=now, prepare=check_samples, effect=close_session)
    return closed[0]


def bookings_mark_no_shows(*, now: datetime | None = None) -> int:
    """Confirmed bookings nobody checked into within the grace period become no-shows (run
    periodically; `manage.py instruments_tick`). Each goes through the table's no_show step
    (locked, re-checked, audited as booking.no_show); one taken meanwhile is left alone."""
    now = now or timezone.now()
    marked = 0
    candidates = Booking.objects.filter(status="confirmed", start__lt=now).select_related("instrument__policy")
    for booking in candidates.iterator():
        grace = timedelta(minutes=_policy(booking.instrument).no_show_grace_minutes)
        if booking.start + grace <= now:
            try:
                BOOKING.run("no_show", actor=None, obj_id=booking.pk, now=now, system=True)
            except (Conflict, NotFound):
                continue  # checked in or cancelled since we listed it
            marked += 1
    return marked


def bookings_send_reminders(*, now: datetime | None = None) -> int:
    """Remind each confirmed booking's user once, BOOKING_REMINDER_HOURS before it starts (in-app,
    and e-mail after commit). Safe to run from several places at once: a booking is claimed by a
    conditional update before its reminder is written."""
    now = now or timezone.now()
    horizon = now + timedelta(hours=settings.BOOKING_REMINDER_HOURS)
    due = (
        Booking.objects.filter(status="confirmed", reminded_at__isnull=True, start__gt=now, start__lte=horizon)
        .select_related("instrument", "user")
        .order_by("start")
    )
    sent = 0
    for booking in due.iterator(chunk_size=500):
        with write_transaction():
            claimed = Booking.objects.filter(pk=booking.pk, status="confirmed", reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            audit_record(
                actor=None,
                action="booking.reminded",
                object_type="instruments.booking",
                object_id=booking.pk,
                object_repr=str(booking),
                changes={"reminded_at": [None, now.isoformat()]},
            )
            start = timezone.localtime(booking.start, LOCAL)
            end = timezone.localtime(booking.end, LOCAL)
            notify(
                user=booking.user,
                kind="booking_reminder",
                title=_("预约提醒：%(i)s，%(when)s")
                % {"i": booking.instrument.name, "when": f"{start:%Y-%m-%d %H:%M}"},
                body=_("您预约的%(i)s将于 %(start)s–%(end)s 使用，请按时签到；如不能前来，请尽早取消。")
                % {"i": booking.instrument.name, "start": f"{start:%Y-%m-%d %H:%M}", "end": f"{end:%H:%M}"},
                url=reverse("instruments:my_bookings"),
            )
            sent += 1
    return sent
