"""The public market's list page (/market/): a search box, the facet sidebar, result cards, and
htmx updates of the sidebar and the results together."""

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from nesta.core.generic.list import ListPage
from nesta.core.templatetags.nesta import yuan
from nesta.market.forms.search import ListingSearchForm
from nesta.market.kinds import KIND_FACETS
from nesta.market.models import Listing
from nesta.market.selectors.facets import DEFAULT_STATUSES, facet_rows
from nesta.market.selectors.search import SearchPage, listing_search, market_summary

PAGE_SIZE = 20


def price_text(listing: Listing) -> str:
    """面议, one amount, or a range, in 万元 from 1万 up."""
    low, high = listing.price_low, listing.price_high
    if listing.price_negotiable or (low is None and high is None):
        return _("面议")
    if low is None or high is None or low == high:
        return yuan(low if low is not None else high)
    return f"{yuan(low)}–{yuan(high)}"


def detail_url(listing: Listing) -> str:
    try:
        return listing.get_absolute_url()
    except NoReverseMatch:  # the listings part's detail page not mounted (yet)
        return ""


def _toggle_query(request: HttpRequest, filters: Any, name: str, item: dict[str, Any]) -> str:
    """The query string that picks the facet value (or drops it when already picked)."""
    params = request.GET.copy()
    params.pop("cursor", None)
    if name == "status":
        chosen = [s for s in filters.statuses if s != item["value"]]
        if not item["selected"]:
            chosen.append(item["value"])
        params.setlist("status", chosen if set(chosen) != {str(s) for s in DEFAULT_STATUSES} else [])
    elif item["selected"]:
        params.pop(name, None)
    else:
        params[name] = item["value"]
    pairs = [(k, v) for k in params for v in params.getlist(k) if v != ""]
    return "?" + urlencode(pairs) if pairs else ""


class ListingSearchPage(ListPage):
    template_name = "market/search/list.html"
    partial_template = "market/search/_results.html"
    filter_form = ListingSearchForm
    page_size = PAGE_SIZE

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> SearchPage:
        page = listing_search(filters=filters, cursor=cursor, limit=limit, with_facets=True)
        for item in page.items:
            item.card_price = price_text(item)
            item.card_price_label = KIND_FACETS.get(item.kind, {}).get("price", _("价格"))
            item.card_url = detail_url(item)
        return page

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Any) -> dict[str, Any]:
        selected = {
            "kind": filters.kind,
            "field": filters.field,
            "province": filters.province,
            "status": filters.statuses,
            "maturity": filters.maturity,
            "ip_type": filters.ip_type,
            "price_band": filters.price_band,
        }
        custom_status = set(filters.statuses) != {str(s) for s in DEFAULT_STATUSES}
        groups = facet_rows(page.facets, selected=selected)
        for group in groups:
            for item in group["items"]:
                item["query"] = _toggle_query(request, filters, group["name"], item)
        return {
            "facet_groups": groups,
            "searching": bool(filters.q),
            "filtered": custom_status or any(v for k, v in selected.items() if k != "status"),
            "custom_status": custom_status,
        }


listing_search_page = ListingSearchPage.as_view()


def market_home(request: HttpRequest) -> dict[str, Any]:
    """The home section's context (registered in wiring/search.py)."""
    summary = market_summary()
    for item in [*summary["market_demands"], *summary["market_achievements"]]:
        item.card_url = detail_url(item)
    return summary
