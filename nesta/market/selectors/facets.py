"""The market's facets in one place: the price bands, the facet tokens a listing's search
document carries, and how a filter value becomes the token it is searched by.

Indexing (services/indexing.py), the search selector, the API and the page all read these, so a
band's edges or a token's spelling are defined once.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from nesta.market.models.choices import IPType, ListingKind, ListingStatus, Maturity

WAN = Decimal(10_000)


@dataclass(frozen=True)
class PriceBand:
    code: str
    label: str | Promise
    low: Decimal | None  # inclusive, in 元
    high: Decimal | None  # exclusive, in 元


# 面议 first, then amounts in 万元: a band holds low ≤ amount < high.
PRICE_BANDS: tuple[PriceBand, ...] = (
    PriceBand("negotiable", _("面议"), None, None),
    PriceBand("lt10", _("10万元以下"), None, 10 * WAN),
    PriceBand("10to50", _("10–50万元"), 10 * WAN, 50 * WAN),
    PriceBand("50to100", _("50–100万元"), 50 * WAN, 100 * WAN),
    PriceBand("100to500", _("100–500万元"), 100 * WAN, 500 * WAN),
    PriceBand("500to1000", _("500–1000万元"), 500 * WAN, 1000 * WAN),
    PriceBand("gte1000", _("1000万元及以上"), 1000 * WAN, None),
)
PRICE_BAND_CODES = tuple(b.code for b in PRICE_BANDS)
PRICE_BAND_LABELS = {b.code: b.label for b in PRICE_BANDS}


def band_of_amount(amount: Decimal | None) -> str:
    """The band of an amount in 元; None (no amount given) is 面议."""
    if amount is None:
        return "negotiable"
    for band in PRICE_BANDS[1:]:
        if (band.low is None or amount >= band.low) and (band.high is None or amount < band.high):
            return band.code
    return "gte1000"  # unreachable: the last band is open-ended


def price_band(*, price_low: Decimal | None, price_high: Decimal | None, negotiable: bool) -> str:
    """A listing's band: 面议 when marked so or without any amount; otherwise the band of the
    range's lower end (an asking price, a floor price, the least sought), or of its upper end
    when only that is given (a budget)."""
    if negotiable or (price_low is None and price_high is None):
        return "negotiable"
    return band_of_amount(price_low if price_low is not None else price_high)


# The facet dimensions, in the order the sidebar shows them.
FACET_DIMENSIONS = ("kind", "field", "province", "status", "maturity", "ip_type", "price_band")
STATUS_FACET_VALUES = (ListingStatus.PUBLISHED, ListingStatus.NEGOTIATING, ListingStatus.DEALT)
DEFAULT_STATUSES = (ListingStatus.PUBLISHED, ListingStatus.NEGOTIATING)
CHOICE_VALUES: dict[str, tuple[str, ...]] = {
    "kind": tuple(ListingKind.values),
    "status": tuple(str(s) for s in STATUS_FACET_VALUES),
    "maturity": tuple(Maturity.values),
    "ip_type": tuple(IPType.values),
    "price_band": PRICE_BAND_CODES,
}


# Facet tokens of the search document's `fields` (the engine strips anything but [0-9a-z]).
def status_token(status: str) -> str:
    return f"status-{status}"


def maturity_token(maturity: str) -> str:
    return f"maturity-{maturity}"


def ip_token(ip_type: str) -> str:
    return f"ip-{ip_type}"


def band_token(band: str) -> str:
    return f"price-{band}"


def field_token(code: str) -> str:
    return f"field-{code}"


def org_token(organization_id: int) -> str:
    return f"org-{organization_id}"
