"""Reads of listings: one listing as a viewer may see it, the owner's list, the review queue,
the rows of an export, and the listing's details in Chinese words.

Visibility: the public sees published, negotiating and dealt listings; the owner's side
(`listing.view_unpublished`) and the reviewers (`listing.review`) see the rest. Contacts are
shown to those with `listing.view_contact` on the listing (the owner's people, the operator) and
to the people of an organisation whose interest in it the owner has accepted.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import NotFound
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import can, restrict
from nesta.core.templatetags.nesta import yuan
from nesta.market.kinds import DETAIL_CHOICES, DETAIL_LABELS, KIND_DETAILS
from nesta.market.lifecycles.listing import LISTING
from nesta.market.models import PUBLIC_STATUSES, BiddingRound, Interest, IPType, Listing, ListingKind, ListingStatus

RELATED = ("organization", "field", "province", "city")
MAX_EXPORT_ROWS = 5000
_PUBLIC = {str(s) for s in PUBLIC_STATUSES}


def listing_queryset() -> QuerySet[Listing]:
    return Listing.objects.select_related(*RELATED)


def is_insider(viewer: Any, listing: Listing) -> bool:
    """The owner's side or a reviewer of the listing (they see drafts and review notes)."""
    return can(viewer, "listing.view_unpublished", listing) or can(viewer, "listing.review", listing)


def may_view(viewer: Any, listing: Listing) -> bool:
    return listing.status in _PUBLIC or is_insider(viewer, listing)


def listing_get(*, viewer: Any, listing_id: int) -> Listing:
    """The listing if the viewer may see it, else NotFound (a draft is not revealed to exist)."""
    listing = listing_queryset().filter(pk=listing_id).first() if 0 < listing_id < 2**31 else None
    if listing is None or not may_view(viewer, listing):
        raise NotFound(_("未找到该信息。"))
    return listing


def may_view_contact(viewer: Any, listing: Listing) -> bool:
    """The owner's side and the operator; or a party whose interest the owner accepted."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if can(viewer, "listing.view_contact", listing):
        return True
    party = Q(user_id=viewer.pk)
    if getattr(viewer, "organization_id", None):
        party |= Q(organization_id=viewer.organization_id)
    return Interest.objects.filter(party, listing_id=listing.pk, status=Interest.Status.ACCEPTED).exists()


def _mine(viewer: Any) -> QuerySet[Listing]:
    qs = restrict(
        viewer,
        "listing.view_unpublished",
        listing_queryset(),
        province_field="province__code",
        organization_field="organization_id",
    )
    own = Q(created_by_id=viewer.pk)
    if getattr(viewer, "organization_id", None):
        own |= Q(organization_id=viewer.organization_id)
    return qs.filter(own)


def my_listings_page(
    *, viewer: Any, status: str = "", kind: str = "", cursor: str | None = None, limit: int = 20
) -> Page[Listing]:
    """The listings of the viewer's organisation and those they entered, newest first."""
    qs = _mine(viewer)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return keyset_page(qs, cursor=cursor, limit=limit, newest_first=True)


def review_queue_page(*, viewer: Any, kind: str = "", cursor: str | None = None, limit: int = 20) -> Page[Listing]:
    """Submitted listings the viewer may review (the office: all; a province: its own), oldest first."""
    qs = restrict(
        viewer,
        "listing.review",
        listing_queryset().filter(status=ListingStatus.SUBMITTED),
        province_field="province__code",
    )
    if kind:
        qs = qs.filter(kind=kind)
    return keyset_page(qs, cursor=cursor, limit=limit)


def listings_for_export(*, viewer: Any, scope: str = "mine", max_rows: int = MAX_EXPORT_ROWS) -> list[Listing]:
    """The viewer's listings ("mine"), or every listing of their review scope ("review", whatever
    the state), at most `max_rows`, newest first."""
    if scope == "review":
        qs = restrict(viewer, "listing.review", listing_queryset(), province_field="province__code")
    else:
        qs = _mine(viewer)
    return list(qs.order_by("-pk")[:max_rows])


def transitions_for(viewer: Any, listing: Listing) -> list[Any]:
    return LISTING.available(viewer, listing)


# --- the details in words ---------------------------------------------------------------------


@dataclass(frozen=True)
class DetailRow:
    name: str
    label: str
    value: str


def _word(name: str, value: Any) -> str:
    enum = DETAIL_CHOICES.get(name)
    if enum is not None:
        labels = dict(enum.choices)
        return str(labels.get(value, value))
    if isinstance(value, bool):
        return str(_("是")) if value else str(_("否"))
    if name in ("appraised_value", "revenue_last_year", "fund_size"):
        return yuan(value)
    return str(value)


def ip_items_text(items: list[dict[str, Any]]) -> str:
    labels = dict(IPType.choices)
    return "；".join(f"{labels.get(str(i.get('type')), i.get('type'))} {i.get('number', '')}".strip() for i in items)


def details_rows(listing: Listing, region_names: dict[str, str] | None = None) -> list[DetailRow]:
    """The kind's fields in the schema's order with Chinese labels and words (empty ones left out)."""
    schema = KIND_DETAILS.get(listing.kind)
    details = listing.details or {}
    rows: list[DetailRow] = []
    for name in schema.model_fields if schema else ():
        value = details.get(name)
        if value in (None, "", [], False) and name != "state_owned":
            continue
        if name == "state_owned" and not value:
            continue
        if name == "ip_items":
            text = ip_items_text(value or [])
        elif name == "regions":
            text = "、".join((region_names or {}).get(c, c) for c in value or [])
        elif isinstance(value, list):
            text = "、".join(_word(name, item) for item in value)
        else:
            text = _word(name, value)
        rows.append(DetailRow(name, str(DETAIL_LABELS.get(name, name)), text))
    return rows


def live_bidding_label(listing: Listing) -> str:
    """ "报名中" / "竞价中" while a property-rights listing has a live bidding round (its own status
    stays 已发布 until the round ends), else ""."""
    if listing.kind != ListingKind.PROPERTY_RIGHT:
        return ""
    status = (
        BiddingRound.objects.filter(listing=listing, status__in=BiddingRound.LIVE)
        .values_list("status", flat=True)
        .first()
    )
    return str(BiddingRound.Status(status).label) if status else ""


def price_text(listing: Listing) -> str:
    """万元 (or 元 under 1万), a range when low and high differ, or 面议."""
    if listing.price_negotiable or (listing.price_low is None and listing.price_high is None):
        return str(_("面议"))
    low, high = listing.price_low, listing.price_high
    if low is not None and high is not None and low != high:
        return f"{yuan(low)} – {yuan(high)}"
    return yuan(low if low is not None else high)
