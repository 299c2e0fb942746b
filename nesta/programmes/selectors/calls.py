"""Reads of calls: the public list and page (drafts only for those who run them), the open calls
an applicant may apply to, what a viewer may do to a call now."""

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import NotFound
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import can, restrict
from nesta.programmes.lifecycles.call import CALL
from nesta.programmes.models import Call, CallStatus, Criterion, ReviewRound
from nesta.programmes.rules.submission import call_accepting

RELATED = ("programme", "owner_province")


def call_queryset() -> QuerySet[Call]:
    return Call.objects.select_related(*RELATED)


def _visible(viewer: Any) -> QuerySet[Call]:
    """Every call but drafts, and the drafts the viewer runs."""
    drafts = restrict(
        viewer, "call.view_draft", Call.objects.filter(status=CallStatus.DRAFT), province_field="owner_province__code"
    )
    return call_queryset().filter(~Q(status=CallStatus.DRAFT) | Q(pk__in=drafts.values("pk")))


def may_view(viewer: Any, call: Call) -> bool:
    return call.status != CallStatus.DRAFT or can(viewer, "call.view_draft", call)


def call_get(*, viewer: Any, call_id: int) -> Call:
    """The call with its criteria, rounds, fields and provinces, or NotFound (a draft is not
    revealed to those who do not run it)."""
    qs = call_queryset().prefetch_related(
        "fields",
        "provinces",
        Prefetch("criteria", queryset=Criterion.objects.order_by("sort_order", "id")),
        Prefetch("rounds", queryset=ReviewRound.objects.order_by("order")),
    )
    call = qs.filter(pk=call_id).first() if isinstance(call_id, int) and 0 < call_id < 2**31 else None
    if call is None or not may_view(viewer, call):
        raise NotFound(_("未找到该指南。"))
    return call


def calls_page(
    *,
    viewer: Any,
    status: str = "",
    programme: str = "",
    year: int | None = None,
    cursor: str | None = None,
    limit: int = 20,
) -> Page[Call]:
    """The calls a viewer may see, newest first, filtered by status, programme code and year."""
    qs = _visible(viewer).prefetch_related("fields", "provinces")
    if status:
        qs = qs.filter(status=status)
    if programme:
        qs = qs.filter(programme__code=programme)
    if year:
        qs = qs.filter(year=year)
    return keyset_page(qs, cursor=cursor, limit=limit, newest_first=True)


def open_calls(now: datetime | None = None) -> list[Call]:
    """The calls accepting applications now (for the applicant's choice)."""
    now = now or timezone.now()
    return list(
        call_queryset()
        .filter(status=CallStatus.OPEN, opens_at__lte=now, closes_at__gte=now)
        .order_by("closes_at", "pk")[:100]
    )


def accepting(call: Call, now: datetime | None = None) -> bool:
    return call_accepting(call, now or timezone.now())


def transitions_for(viewer: Any, call: Call) -> list[Any]:
    return CALL.available(viewer, call)


def may_manage(viewer: Any, call: Call | None = None) -> bool:
    return can(viewer, "call.manage", call)


def field_options(call: Call) -> list[tuple[str, str]]:
    """The fields an application to the call may name: the call's and everything below them
    (every field when the call names none), indented by depth."""
    from nesta.core.selectors import taxonomy_flat

    nodes = taxonomy_flat()
    allowed = {n.pk for n in call.fields.all()}
    if not allowed:
        return [(n.code, "\u3000" * n.depth + n.name) for n in nodes]
    by_id = {n.pk: n for n in nodes}
    out = []
    for n in nodes:
        node: Any = n
        ok = False
        while node is not None:
            if node.pk in allowed:
                ok = True
                break
            node = by_id.get(node.parent_id) if node.parent_id else None
        if ok:
            out.append((n.code, "\u3000" * n.depth + n.name))
    return out
