"""Fees: charges computed from an instrument's fee schedule on actual use and on settled orders.

Money is Decimal, rounded to 分 (0.01 元) with ROUND_HALF_UP. Machine time is measured in hours
rounded to 0.01 h (ROUND_HALF_UP, from the exact duration), the same figure the platform shows for
a session, so every charge line reads quantity × rate = amount (rounded to 分).

The rate is internal or external by the user's organisation against the instrument's owner
(`UsageSession.is_external`, `TestOrder.is_external`).
"""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import translation

from nesta.core.audit import audit_record
from nesta.core.transactions import write_transaction
from nesta.instruments.models import Charge, TestOrder, UsageSession

CENT = Decimal("0.01")
HOUR_STEP = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def duration_hours(started_at: datetime, ended_at: datetime) -> Decimal:
    """The exact duration in hours (from whole microseconds), rounded to 0.01 h half-up."""
    micros = (ended_at - started_at) // timedelta(microseconds=1)
    return (Decimal(micros) / Decimal(3_600_000_000)).quantize(HOUR_STEP, rounding=ROUND_HALF_UP)


def charges_for_usage(session: UsageSession) -> list[Charge]:
    """The charges one finished session incurs (unsaved; deterministic for a given fee schedule).

    One line for machine time (hours × hourly rate) and, when the instrument charges per sample,
    one line for the samples (samples × per-sample rate). Zero-amount lines are left out; an
    unfinished session incurs nothing yet.
    """
    if session.ended_at is None:
        return []
    instrument = session.instrument
    external = session.is_external
    hourly = instrument.external_hourly_rate if external else instrument.internal_hourly_rate
    per_sample = instrument.external_sample_rate if external else instrument.internal_sample_rate
    common = {
        "instrument": instrument,
        "organization_id": session.organization_id,
        "user_id": session.user_id,
        "usage_session": session,
        # the booking's payer account (a session without a booking goes to none)
        "account_id": session.booking.account_id if session.booking is not None else None,
        "is_external": external,
        "occurred_at": session.started_at,
    }
    charges: list[Charge] = []
    hours = duration_hours(session.started_at, session.ended_at)
    if hourly > 0 and hours > 0:
        charges.append(
            Charge(
                kind=Charge.Kind.USAGE_HOURS,
                quantity=hours,
                unit="hour",
                rate=money(hourly),
                amount=money(hours * hourly),
                **common,
            )
        )
    if per_sample > 0 and session.samples > 0:
        charges.append(
            Charge(
                kind=Charge.Kind.USAGE_SAMPLES,
                quantity=Decimal(session.samples),
                unit="sample",
                rate=money(per_sample),
                amount=money(session.samples * per_sample),
                **common,
            )
        )
    return charges


def charges_post_usage(*, actor: Any, session: UsageSession) -> list[Charge]:
    """Save the charges of a finished session, once: a session already charged keeps its charges.

    Called by the services that finish a session (usage_record; check-out should call it too).
    """
    with write_transaction():
        existing = list(Charge.objects.filter(usage_session=session))
        if existing:
            return existing
        charges = charges_for_usage(session)
        for charge in charges:
            charge.save()
            _audit_charge(actor, charge)
    return charges


def _audit_charge(actor: Any, charge: Charge) -> None:
    audit_record(
        actor=actor,
        action="charge.created",
        instance=charge,
        changes={
            "kind": [None, charge.kind],
            "quantity": [None, str(charge.quantity)],
            "rate": [None, str(charge.rate)],
            "amount": [None, str(charge.amount)],
        },
    )


def charges_post_pending(*, actor: Any = None, until: datetime | None = None, batch_size: int = 2000) -> int:
    """Charge every finished session that has no charge yet (sessions finished before `until`).

    A catch-up for sessions finished through paths that did not post their charges; idempotent.
    Returns the number of charge lines created.
    """
    sessions = (
        UsageSession.objects.filter(ended_at__isnull=False)
        .filter(~Exists(Charge.objects.filter(usage_session=OuterRef("pk"))))
        .select_related("instrument", "booking")
        .order_by("pk")
    )
    if until is not None:
        sessions = sessions.filter(ended_at__lte=until)
    created = 0
    batch: list[Charge] = []
    with write_transaction():
        for session in sessions.iterator(chunk_size=batch_size):
            batch.extend(charges_for_usage(session))
            if len(batch) >= batch_size:
                Charge.objects.bulk_create(batch)
                created += len(batch)
                batch = []
        if batch:
            Charge.objects.bulk_create(batch)
            created += len(batch)
        if created:
            audit_record(
                actor=actor,
                action="charges.posted",
                object_type="instruments.charge",
                object_repr=f"charges_post_pending: {created}",
                changes={"count": [None, created]},
            )
    return created


def charge_for_order(order: TestOrder, *, settled_at: datetime) -> Charge:
    """The charge of a settled order: its quoted amount (which may differ from the list price)."""
    service = order.service
    with translation.override(settings.LANGUAGE_CODE):  # stored text: Chinese whatever the request speaks
        unit_label = str(service.get_unit_display())
    quantity = order.quantity.normalize()
    return Charge(
        instrument_id=order.instrument_id,
        organization_id=order.organization_id,
        user_id=order.customer_id,
        order=order,
        account_id=order.account_id,
        kind=Charge.Kind.ORDER,
        is_external=order.is_external,
        occurred_at=settled_at,
        description=f"{service.name} ×{quantity:f}{unit_label}"[:200],
        quantity=Decimal(1),
        unit="order",
        rate=money(order.quoted_amount or Decimal(0)),
        amount=money(order.quoted_amount or Decimal(0)),
    )
