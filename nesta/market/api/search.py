"""The public market's search over the API: GET /api/v1/market/listings (items without
contacts, facet counts, the total, the next page's cursor)."""

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.urls import NoReverseMatch
from ninja import Query, Router, Schema
from pydantic import Field

from nesta.core.api_auth import api_user
from nesta.core.schemas import ErrorOut
from nesta.market.models import Listing
from nesta.market.selectors.facets import price_band
from nesta.market.selectors.search import ListingFilters, listing_search, parse_statuses

router = Router(tags=["technology market"])


class ListingQuery(Schema):
    q: str = Field("", max_length=200, description="中文全文检索：每个词都须命中，按 BM25 排序；为空时按发布时间倒序")
    kind: str = Field("", max_length=20, description="类别，如 achievement、demand")
    field: str = Field("", max_length=60, description="重点领域代码（上级领域包含其下级）")
    province: str = Field("", max_length=6, description="省份代码，如 210000")
    status: str = Field(
        "", max_length=40, description="published、negotiating、dealt，可逗号分隔；默认 published,negotiating"
    )
    maturity: str = Field("", max_length=12)
    ip_type: str = Field("", max_length=20)
    price_band: str = Field(
        "", max_length=12, description="negotiable、lt10、10to50、50to100、100to500、500to1000、gte1000"
    )
    organization: int | None = Field(None, ge=1, le=2**31, description="发布单位 id")
    facets: bool = Field(True, description="返回分面计数与总数")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=100)


class NamedRef(Schema):
    code: str
    name: str


class OrganizationRef(Schema):
    id: int
    name: str


class ListingCardOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    title: str
    summary: str
    keywords: list[str]
    organization: OrganizationRef
    field: NamedRef
    field_parent: NamedRef | None
    province: NamedRef
    city: NamedRef | None
    maturity: str
    ip_type: str
    price_low: Decimal | None
    price_high: Decimal | None
    price_negotiable: bool
    price_band: str
    published_at: datetime | None
    url: str


class ListingSearchPage(Schema):
    items: list[ListingCardOut]
    next_cursor: str | None
    total: int | None
    facets: dict[str, dict[str, int]]
    tokens: list[str] = Field(description="检索词分词结果（每个都须命中）")


def detail_url(x: Listing) -> str:
    """The listing's public page ("" while the listings part has not mounted it)."""
    try:
        return x.get_absolute_url()
    except NoReverseMatch:
        return ""


def _ref(node) -> dict | None:
    return {"code": node.code, "name": node.name} if node is not None else None


def listing_card_out(x: Listing) -> dict:
    """A result card: what the public may see of a listing (never its contacts)."""
    return {
        "id": x.pk,
        "kind": x.kind,
        "kind_label": str(x.get_kind_display()),
        "status": x.status,
        "status_label": str(x.get_status_display()),
        "title": x.title,
        "summary": x.summary[:300],
        "keywords": x.keyword_list,
        "organization": {"id": x.organization_id, "name": x.organization.name},
        "field": _ref(x.field),
        "field_parent": _ref(x.field.parent) if x.field.parent_id else None,
        "province": _ref(x.province),
        "city": _ref(x.city) if x.city_id else None,
        "maturity": x.maturity,
        "ip_type": x.ip_type,
        "price_low": x.price_low,
        "price_high": x.price_high,
        "price_negotiable": x.price_negotiable,
        "price_band": price_band(price_low=x.price_low, price_high=x.price_high, negotiable=x.price_negotiable),
        "published_at": x.published_at,
        "url": detail_url(x),
    }


@router.get(
    "/listings",
    response={200: ListingSearchPage, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
    summary="技术市场检索：跨类别中文检索、筛选、分面计数、游标分页",
)
def list_listings(request: HttpRequest, query: Query[ListingQuery]):
    api_user(request)  # a bad token is refused even where anonymous reading is allowed
    filters = ListingFilters(
        q=query.q.strip(),
        kind=query.kind,
        field=query.field,
        province=query.province,
        statuses=parse_statuses(query.status),
        maturity=query.maturity,
        ip_type=query.ip_type,
        price_band=query.price_band,
        organization=query.organization,
    )
    page = listing_search(filters=filters, cursor=query.cursor, limit=query.limit, with_facets=query.facets)
    return {
        "items": [listing_card_out(x) for x in page.items],
        "next_cursor": page.next_cursor,
        "total": page.total,
        "facets": page.facets,
        "tokens": page.tokens,
    }
