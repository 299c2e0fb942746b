"""The bulk save of instruments prepared beforehand (`registry.instrument_prepare`): an XLSX
import validates every row outside the write lock, then writes them all here in one short
transaction, a few statements whatever the count."""

from typing import Any

from nesta.core import search
from nesta.core.audit import diff, snapshot
from nesta.core.models import AuditLog, SearchDocument
from nesta.instruments.models import BookingPolicy, Instrument
from nesta.instruments.services.indexing import instrument_search_document
from nesta.instruments.services.registry import POLICY_FIELDS


def instruments_save_prepared(
    *,
    actor: Any,
    prepared: list[tuple[Instrument, BookingPolicy, list[Any] | None]],
    documents: list[SearchDocument] | None = None,
) -> list[Instrument]:
    """Save prepared instruments in bulk (a few statements, whatever the count), their policies,
    managers, search documents and audit rows. Call it inside write_transaction(); pass the
    search `documents` built beforehand (one per instrument, in order) to keep the lock short."""
    instruments = Instrument.objects.bulk_create([i for i, _p, _m in prepared], batch_size=500)
    for instrument, policy, _m in prepared:
        policy.instrument = instrument
    BookingPolicy.objects.bulk_create([p for _i, p, _m in prepared], batch_size=500)
    through = Instrument.managers.through
    links = [through(instrument_id=i.pk, user_id=u.pk) for i, _p, managers in prepared for u in managers or []]
    if links:
        through.objects.bulk_create(links, batch_size=500)
    if documents is None:
        documents = [instrument_search_document(i) for i in instruments]
    for doc, instrument in zip(documents, instruments, strict=True):
        doc.object_id = instrument.pk
    search.engine.index_many(documents)
    # One bulk insert of the audit rows audit_record() would write one by one.
    user = actor if getattr(actor, "is_authenticated", False) else None
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                actor=user,
                actor_repr=getattr(user, "username", "") if user else "",
                action="instrument.created",
                object_type="instruments.instrument",
                object_id=str(instrument.pk),
                object_repr=str(instrument)[:200],
                changes=diff({}, _created_snapshot(instrument, policy, managers)),
            )
            for instrument, policy, managers in prepared
        ],
        batch_size=500,
    )
    return instruments


def _created_snapshot(instrument: Instrument, policy: BookingPolicy, managers: list[Any] | None) -> dict[str, Any]:
    """_snapshot of a just-created instrument without a query per row (its managers are known)."""
    data = snapshot(instrument, [f.name for f in Instrument._meta.concrete_fields])
    data.pop("reference_key", None)
    data["managers"] = sorted(u.pk for u in managers or [])
    data.update({f"policy.{k}": v for k, v in snapshot(policy, list(POLICY_FIELDS)).items()})
    return data
