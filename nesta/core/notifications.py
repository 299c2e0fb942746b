"""The notification centre: in-app messages to one user, with an e-mail copy.

`notify` writes the message inside the caller's transaction; the e-mail is a task queued only
after that transaction commits (core.tasks), so a rolled-back write sends nothing. The inbox
reads (`notifications_page`, `notifications_unread_count`) and the mark-as-read service are here
too; the web inbox and /api/v1/me/notifications are thin over them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from nesta.core.errors import NotAuthenticated
from nesta.core.models import Notification
from nesta.core.pagination import Page, clamp_limit, decode_cursor, encode_cursor
from nesta.core.tasks import email_enqueue_on_commit
from nesta.core.transactions import write_transaction

MARK_MAX_IDS = 500
BULK_BATCH = 1000


@dataclass(frozen=True)
class Message:
    """One message of `notify_many`: the arguments of `notify`."""

    user: Any
    kind: str
    title: str
    body: str = ""
    url: str = ""


def notify(*, user: Any, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    note = Notification.objects.create(user=user, kind=kind, title=title[:200], body=body, url=url[:300])
    email = getattr(user, "email", "")
    if email:
        email_enqueue_on_commit(to=[email], subject=title, body=f"{body}\n\n{url}".strip())
    return note


def notify_many(messages: Iterable[Message]) -> list[Notification]:
    """`notify` for many users at once: the rows in bulk inserts (BULK_BATCH a query), the e-mail
    copies queued after commit as `notify` does. For a solver inviting thousands of experts."""
    batch = list(messages)
    notes = [Notification(user=m.user, kind=m.kind, title=m.title[:200], body=m.body, url=m.url[:300]) for m in batch]
    Notification.objects.bulk_create(notes, batch_size=BULK_BATCH)
    for m in batch:
        email = getattr(m.user, "email", "")
        if email:
            email_enqueue_on_commit(to=[email], subject=m.title, body=f"{m.body}\n\n{m.url}".strip())
    return notes


def _require_user(user: Any) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()


def notifications_unread_count(*, user: Any) -> int:
    """One COUNT over the (user, read_at) index; 0 for anonymous callers."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_page(
    *, user: Any, unread: bool = False, cursor: str | None = None, limit: int | None = 20
) -> Page[Notification]:
    """One's own notifications, newest first, keyset-paged on (created_at, id)."""
    _require_user(user)
    size = clamp_limit(limit)
    qs = Notification.objects.filter(user=user).order_by("-created_at", "-id")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    after = decode_cursor(cursor)
    if after.get("after"):
        # the id cursor alone orders with created_at: both grow together for one user's notes
        pivot = Notification.objects.filter(user=user, pk=after["after"]).values_list("created_at", flat=True).first()
        if pivot is not None:
            qs = qs.filter(Q(created_at__lt=pivot) | Q(created_at=pivot, pk__lt=after["after"]))
        else:
            qs = qs.filter(pk__lt=after["after"])
    rows = list(qs[: size + 1])
    next_cursor = encode_cursor({"after": rows[size - 1].pk}) if len(rows) > size else None
    return Page(items=rows[:size], next_cursor=next_cursor)


def notifications_mark_read(*, actor: Any, ids: list[int] | None = None, all: bool = False) -> int:
    """Mark one's own notifications read (the given ids, or all); others' ids are ignored.
    Returns how many changed. A single UPDATE: no lock beyond the rows it touches."""
    _require_user(actor)
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if not all:
        wanted = [int(i) for i in (ids or [])][:MARK_MAX_IDS]
        if not wanted:
            return 0
        qs = qs.filter(pk__in=wanted)
    with write_transaction():
        return qs.update(read_at=timezone.now())
