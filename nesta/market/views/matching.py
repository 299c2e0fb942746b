"""The matches of a listing: the box on its page (htmx) and the same list as a page of its own."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from nesta.core.generic.base import domain_errors, render_page_or_partial
from nesta.market.matching.queries import listing_matches
from nesta.market.selectors.listings import listing_get

BOX_LIMIT = 10
PAGE_LIMIT = 50


@require_GET
@domain_errors
def listing_matches_view(request: HttpRequest, pk: int) -> HttpResponse:
    listing = listing_get(viewer=request.user, listing_id=pk)
    partial = getattr(request, "htmx", None) and not request.htmx.history_restore_request
    matches = listing_matches(viewer=request.user, listing_id=pk, limit=BOX_LIMIT if partial else PAGE_LIMIT)
    context = {"listing": listing, "matches": matches, "full": not partial}
    return render_page_or_partial(
        request, "market/matching/matches_page.html", "market/matching/_matches.html", context
    )
