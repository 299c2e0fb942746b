"""The audit trail: one row per change, written inside the same transaction as the change."""

from typing import Any

from django.db import models

from nesta.core.models import AuditLog


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe picture of a record's concrete fields (and many-to-many ids).

    Timestamps the database keeps itself (auto_now, auto_now_add) are left out: a save that
    changes nothing else is no change.
    """
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        value = getattr(instance, f.attname)
        data[f.name] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
    if instance.pk:
        for m2m in instance._meta.many_to_many:
            if fields is not None and m2m.name not in fields:
                continue
            data[m2m.name] = sorted(getattr(instance, m2m.name).values_list("pk", flat=True))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value changed."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def audit_record(
    *,
    actor: Any,
    action: str,
    instance: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditLog:
    if instance is not None:
        object_type = f"{instance._meta.app_label}.{instance._meta.model_name}"
        object_id = instance.pk
        object_repr = str(instance)[:200]
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditLog.objects.create(
        actor=user,
        actor_repr=getattr(user, "username", "") if user else "",
        action=action,
        object_type=object_type or "",
        object_id=str(object_id or ""),
        object_repr=object_repr,
        changes=changes or {},
    )
