"""The API of the market's matching part.

`GET /market/listings/{id}/matches?limit=&method=` → the ranked listings of the complementary
kinds, each `{listing: {summary, no contacts}, score, reasons: [{code, text}], components}`.
The listing must be visible to the caller (published, or the caller's own / the reviewer's);
404 `not_found` otherwise, 422 for a limit outside 1–50 or an unknown method, 401 for a bad token.
"""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from nesta.core.api_auth import api_user
from nesta.core.schemas import ErrorOut
from nesta.market.matching.queries import LIMIT_MAX, listing_matches

router = Router(tags=["technology market"])
ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ID_MAX = 2_147_483_647


class MatchQuery(Schema):
    limit: int = Field(20, ge=1, le=LIMIT_MAX, description="返回条数（1–50）")
    method: Literal["hybrid", "bm25"] = Field("hybrid", description="hybrid：综合匹配；bm25：纯文本基线")


class PlaceOut(Schema):
    code: str
    name: str


class FieldOut(Schema):
    code: str
    name: str


class ListingSummaryOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    title: str
    summary: str
    keywords: list[str]
    field: FieldOut
    province: PlaceOut
    city: PlaceOut | None
    maturity: str
    ip_type: str
    price_low: Decimal | None
    price_high: Decimal | None
    price_negotiable: bool
    published_at: datetime | None
    url: str


class ReasonOut(Schema):
    code: str
    text: str


class MatchOut(Schema):
    listing: ListingSummaryOut
    score: float
    reasons: list[ReasonOut]
    components: dict[str, float]


def summary_of(listing) -> dict:
    return {
        "id": listing.pk,
        "kind": listing.kind,
        "kind_label": str(listing.get_kind_display()),
        "status": listing.status,
        "title": listing.title,
        "summary": listing.summary[:300],
        "keywords": listing.keyword_list,
        "field": {"code": listing.field.code, "name": listing.field.name},
        "province": {"code": listing.province.code, "name": listing.province.name},
        "city": {"code": listing.city.code, "name": listing.city.name} if listing.city_id else None,
        "maturity": listing.maturity,
        "ip_type": listing.ip_type,
        "price_low": listing.price_low,
        "price_high": listing.price_high,
        "price_negotiable": listing.price_negotiable,
        "published_at": listing.published_at,
        "url": listing.get_absolute_url(),
    }


@router.get(
    "/listings/{listing_id}/matches",
    response={200: list[MatchOut], **ERRORS},
    summary="匹配：与该信息互补的已发布信息，按综合得分排序，附匹配理由",
)
def matches(request: HttpRequest, query: Query[MatchQuery], listing_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user(request)
    found = listing_matches(viewer=user, listing_id=listing_id, limit=query.limit, method=query.method)
    return [
        {
            "listing": summary_of(m.listing),
            "score": m.score,
            "reasons": [{"code": r.code, "text": r.text} for r in m.reasons],
            "components": m.components,
        }
        for m in found
    ]
