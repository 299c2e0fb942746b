"""Strong new matches, told to both owners: a task queued when a listing is published.

The publish transition's `notify` (lifecycles/listing.py) calls `queue_match_notifications`,
which queues `match_notify(listing_id)` with transaction.on_commit — nothing is queued for a
publication that rolls back, and the matching runs outside the publishing request. The task takes
the listing's best matches with a score of at least NOTIFY_THRESHOLD (at most NOTIFY_MAX) and
writes one notification to each side's owner per pair; a pair already told (either way round, by
an earlier publication or a re-opening) is not told again. The check and the writes of one pair
run in one write transaction with both listing rows locked, so two publications at once cannot
both tell the same pair.
"""

import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from nesta.core.models import Notification
from nesta.core.notifications import notify
from nesta.core.transactions import write_transaction
from nesta.market.matching import weights as W
from nesta.market.matching.candidates import ON_MARKET
from nesta.market.models import Listing

log = logging.getLogger(__name__)
KIND = "market_match"


def _url(about: Listing, for_listing: Listing) -> str:
    # The note to `for_listing`'s owner points at the other listing; the fragment names the pair.
    return f"{about.get_absolute_url()}#match-{for_listing.pk}"


def _tell(owner_listing: Listing, other: Listing, score: float, reasons: list[str]) -> bool:
    user = owner_listing.created_by
    if user is None or not user.is_active:
        return False
    url = _url(other, owner_listing)
    if Notification.objects.filter(user=user, kind=KIND, url=url).exists():
        return False
    notify(
        user=user,
        kind=KIND,
        title=_("新的匹配：%(t)s") % {"t": other.title[:60]},
        body=_("与您发布的“%(mine)s”匹配（得分 %(s)d）。%(why)s")
        % {"mine": owner_listing.title[:60], "s": round(score * 100), "why": "；".join(reasons[:4])},
        url=url,
    )
    return True


def notify_pair(listing_id: int, other_id: int, score: float, reasons: list[str]) -> int:
    """Tell both owners of a pair once; returns how many notifications were written."""
    with write_transaction():
        rows = {
            obj.pk: obj
            for obj in Listing.objects.select_for_update(of=("self",))
            .filter(pk__in=sorted({listing_id, other_id}), status__in=ON_MARKET)
            .select_related("created_by")
            .order_by("pk")
        }
        if len(rows) != 2:
            return 0  # one side left the market meanwhile
        a, b = rows[listing_id], rows[other_id]
        sent = 0
        if a.organization_id == b.organization_id:
            return 0  # an organisation need not be told about its own listings
        sent += _tell(a, b, score, reasons)
        sent += _tell(b, a, score, reasons)
        return sent


@task()
def match_notify(listing_id: int) -> int:
    from nesta.market.matching.engine import top_matches

    listing = Listing.objects.filter(pk=listing_id, status__in=ON_MARKET).select_related("province", "city").first()
    if listing is None:
        return 0
    sent = 0
    for m in top_matches(listing, limit=W.NOTIFY_MAX):
        if m.score < W.NOTIFY_THRESHOLD:
            break
        sent += notify_pair(listing.pk, m.listing.pk, m.score, [r.text for r in m.reasons])
    return sent


def queue_match_notifications(listing: Any) -> None:
    """The publish transition's notify: queue the task once the publication commits."""
    listing_id = listing.pk

    def enqueue() -> None:
        match_notify.enqueue(listing_id)

    transaction.on_commit(enqueue, robust=True)
