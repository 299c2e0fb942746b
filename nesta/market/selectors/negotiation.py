"""Reads of interests and their threads.

Who sees an interest and its thread: the two parties — the interested organisation's people
(interest.create on it) and the listing's owner organisation's people (listing.change on it) — and
the operator (thread.oversee on the listing: the office, the listing's province). Everyone else
gets NotFound, never a hint that the interest exists. The parties are decided on organisation-only
targets, so a province's staff are operators of their own province's listings only, not parties
by the interested organisation's region.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from nesta.core.errors import NotFound
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import can, restrict
from nesta.market.lifecycles.interest import (
    INTEREST,
    OPEN_LISTING,
    OPERATOR,
    OWNER,
    PARTY,
    SIDE_OF_STEP,
    acting_organization,
    acts_for_owner,
    acts_for_party,
    side_of,
)
from nesta.market.models import PUBLIC_STATUSES, Interest, Listing, ThreadMessage

BOXES = ("all", "sent", "received", "oversee")
ID_LIMIT = 2**31  # ids beyond the database's integers do not exist (not an overflow)
BOX_INTERESTS_MAX = 50  # the owner's list on a listing's page; the rest on 我的洽谈


def _with_counts(qs: QuerySet[Interest]) -> QuerySet[Interest]:
    """The number of messages and each side's unread ones (the other side's after its read mark)."""
    from_owner = Q(messages__author_organization_id=F("listing__organization_id"))
    from_party = Q(messages__author_organization_id=F("organization_id"))
    return qs.annotate(
        message_count=Count("messages"),
        unread_party=Count(
            "messages",
            filter=from_owner & (Q(party_read_at__isnull=True) | Q(messages__created_at__gt=F("party_read_at"))),
        ),
        unread_owner=Count(
            "messages",
            filter=from_party & (Q(owner_read_at__isnull=True) | Q(messages__created_at__gt=F("owner_read_at"))),
        ),
    )


def _interests() -> QuerySet[Interest]:
    return Interest.objects.select_related(
        "listing__province", "listing__city", "listing__organization", "listing__created_by", "organization", "user"
    )


@dataclass
class InterestView:
    """An interest as one viewer sees it: their side, what they may do now, the unread count."""

    interest: Interest
    side: str | None
    transitions: list[Any] = field(default_factory=list)
    unread: int = 0

    @property
    def may_post(self) -> bool:
        return self.side in (PARTY, OWNER)

    @property
    def thread_open(self) -> bool:
        return self.interest.status in Interest.ACTIVE

    @property
    def own_organization_id(self) -> int | None:
        """The viewer's side's organisation (its messages are "mine" in the thread)."""
        if self.side == PARTY:
            return self.interest.organization_id
        if self.side == OWNER:
            return self.interest.listing.organization_id
        return None

    @property
    def contacts_visible(self) -> bool:
        """The listing's contacts: the interested side sees them while its interest is accepted
        (as the listing's page does, selectors.listings.may_view_contact); the owner and the
        operator always."""
        if self.side == PARTY:
            return self.interest.status == Interest.Status.ACCEPTED
        return self.side in (OWNER, OPERATOR)


def view_of(user: Any, interest: Interest) -> InterestView:
    side = side_of(user, interest)
    unread = 0
    if side == PARTY:
        unread = getattr(interest, "unread_party", 0)
    elif side == OWNER:
        unread = getattr(interest, "unread_owner", 0)
    # the owner's side answers and ends, the interested side withdraws, the operator reads
    steps = [t for t in INTEREST.available(user, interest) if SIDE_OF_STEP.get(t.name) == side] if side else []
    return InterestView(interest=interest, side=side, transitions=steps, unread=unread)


def interest_get(*, user: Any, interest_id: int) -> InterestView:
    """One interest the user may see (NotFound otherwise, whether it exists or not)."""
    interest = _with_counts(_interests()).filter(pk=interest_id).first() if 0 < interest_id < ID_LIMIT else None
    if interest is None:
        raise NotFound()
    view = view_of(user, interest)
    if view.side is None:
        raise NotFound()
    return view


def _box_filter(user: Any, box: str) -> Q | None:
    """The rows of `box` for the user (None: nothing)."""
    org = acting_organization(user)
    sent = Q(organization_id=org) if acts_for_party(user, org) else None
    received = Q(listing__organization_id=org) if acts_for_owner(user, org) else None
    if box == "sent":
        return sent
    if box == "received":
        return received
    mine = [q for q in (sent, received) if q is not None]
    if not mine:
        return None
    condition = mine[0]
    for q in mine[1:]:
        condition |= q
    return condition


def interests_page(
    *,
    user: Any,
    box: str = "all",
    status: str | None = None,
    listing_id: int | None = None,
    cursor: str | None = None,
    limit: int | None = 20,
) -> Page[InterestView]:
    """The user's interests, newest first: `sent` (their organisation's), `received` (on their
    organisation's listings), `all` (both) or `oversee` (the operator's: the area's threads).
    A constant number of queries whatever the page holds."""
    if not getattr(user, "is_authenticated", False):
        return Page(items=[])
    qs = _interests()
    if box == "oversee":
        qs = restrict(user, "thread.oversee", qs, province_field="listing__province__code")
    else:
        condition = _box_filter(user, box)
        if condition is None:
            return Page(items=[])
        qs = qs.filter(condition)
    if status:
        qs = qs.filter(status=status)
    if listing_id:
        qs = qs.filter(listing_id=listing_id)
    page = keyset_page(_with_counts(qs), cursor=cursor, limit=limit, newest_first=True)
    return Page(items=[view_of(user, i) for i in page.items], next_cursor=page.next_cursor)


def listing_interests(*, user: Any, listing: Listing, limit: int = BOX_INTERESTS_MAX) -> list[InterestView]:
    """The interests in a listing, for its owner's side or the operator (empty for anyone else),
    live ones first."""
    if not (acts_for_owner(user, listing.organization_id) or can(user, "thread.oversee", listing)):
        return []
    qs = _with_counts(_interests().filter(listing=listing)).order_by(
        F("accepted_at").desc(nulls_last=True), "-created_at", "-id"
    )
    rows = list(qs[:limit])
    rows.sort(key=lambda i: i.status not in Interest.ACTIVE)  # stable: live ones first
    return [view_of(user, i) for i in rows]


def own_interest(*, user: Any, listing: Listing) -> InterestView | None:
    """The latest interest of the user's organisation in the listing (a live one first)."""
    org = acting_organization(user)
    if org is None or not acts_for_party(user, org):
        return None
    qs = _with_counts(_interests().filter(listing=listing, organization_id=org))
    interest = qs.filter(status__in=Interest.ACTIVE).first() or qs.first()
    return view_of(user, interest) if interest is not None else None


@dataclass
class BoxState:
    """What the negotiation box on a listing's page shows the viewer."""

    mine: InterestView | None  # the viewer's organisation's interest
    received: list[InterestView]  # the owner's (or operator's) list
    is_owner: bool
    may_express: bool  # the 表达合作意向 form
    reason: str  # why not, when the viewer is signed in but may not express
    listing_open: bool


def box_state(*, user: Any, listing: Listing) -> BoxState:
    is_owner = acts_for_owner(user, listing.organization_id)
    listing_open = listing.status in OPEN_LISTING
    mine = None if is_owner else own_interest(user=user, listing=listing)
    received = listing_interests(user=user, listing=listing)
    reason = ""
    may = False
    if getattr(user, "is_authenticated", False) and not is_owner:
        live = mine is not None and mine.interest.status in Interest.ACTIVE
        if live:
            reason = "live"
        elif not listing_open:
            reason = "closed"
        elif not acts_for_party(user, acting_organization(user)):
            reason = "no_organization"
        else:
            may = True
    return BoxState(
        mine=mine, received=received, is_owner=is_owner, may_express=may, reason=reason, listing_open=listing_open
    )


# --- threads ------------------------------------------------------------------------------------


def thread_page(
    *, view: InterestView, cursor: str | None = None, limit: int | None = 50, newest_first: bool = False
) -> Page[ThreadMessage]:
    """The messages of a thread the viewer may read (`view` from interest_get): oldest first by
    default (a client polls for the new ones with the cursor), or newest first (the web page
    shows the latest and pages back)."""
    qs = ThreadMessage.objects.filter(interest_id=view.interest.pk).select_related("author", "author_organization")
    return keyset_page(qs, cursor=cursor, limit=limit, newest_first=newest_first)


def message_get(*, view: InterestView, message_id: int) -> ThreadMessage:
    message = (
        ThreadMessage.objects.filter(interest_id=view.interest.pk, pk=message_id)
        .select_related("author", "author_organization")
        .first()
        if 0 < message_id < ID_LIMIT
        else None
    )
    if message is None:
        raise NotFound()
    return message


def listing_contacts(listing: Listing) -> dict[str, str]:
    return {"name": listing.contact_name, "phone": listing.contact_phone, "email": listing.contact_email}


def listing_for_box(*, user: Any, listing_id: int) -> Listing:
    """The listing whose page shows the negotiation box (NotFound when the viewer may not see it)."""
    listing = (
        Listing.objects.select_related("province", "organization", "created_by").filter(pk=listing_id).first()
        if 0 < listing_id < ID_LIMIT
        else None
    )
    if listing is None:
        raise NotFound()
    if listing.status not in PUBLIC_STATUSES and not can(user, "listing.view_unpublished", listing):
        raise NotFound()
    return listing
