"""GET /api/v1/market/listings: filters, facets, paging, and every bad input answered in JSON."""

import pytest

from nesta.core.pagination import encode_cursor

pytestmark = pytest.mark.django_db
URL = "/api/v1/market/listings"


def get(client, **params):
    return client.get(URL, params)


def test_lists_public_listings_with_facets_and_no_contacts(api_client, market):
    r = get(api_client)
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 6 and len(body["items"]) == 6 and body["next_cursor"] is None
    assert body["facets"]["status"] == {"published": 5, "negotiating": 1, "dealt": 1}
    assert set(body["facets"]) == {"kind", "field", "province", "status", "maturity", "ip_type", "price_band"}
    item = next(i for i in body["items"] if i["id"] == market["magnet"].pk)
    assert item["status"] == "negotiating" and item["status_label"] == "洽谈中"
    assert item["province"] == {"code": "230000", "name": "黑龙江省"}
    assert item["field"]["code"] == "rare-earth-magnets" and item["field_parent"]["code"] == "new-materials"
    assert item["price_band"] == "gte1000" and item["kind_label"] == "技术成果"
    text = r.content.decode()
    for secret in ("contact", "王工", "024-12345678", "contact@example.cn"):
        assert secret not in text


def test_query_and_filters(api_client, market):
    body = get(api_client, q="铸件 砂眼").json()
    assert [i["id"] for i in body["items"]] == [market["demand"].pk]
    assert body["tokens"] == ["铸件", "砂眼"] and body["facets"]["kind"] == {"demand": 1}
    body = get(api_client, field="new-materials", status="published,negotiating,dealt").json()
    assert {i["id"] for i in body["items"]} == {market["superalloy"].pk, market["magnet"].pk}
    body = get(api_client, q="铝合金", status="dealt").json()
    assert [i["id"] for i in body["items"]] == [market["dealt"].pk]
    body = get(api_client, kind="achievement", province="210000", maturity="pilot", ip_type="invention_patent").json()
    assert [i["id"] for i in body["items"]] == [market["alloy"].pk]
    body = get(api_client, price_band="negotiable").json()
    assert {i["id"] for i in body["items"]} == {market["superalloy"].pk, market["capacity"].pk, market["corn"].pk}
    body = get(api_client, q="铝合金", facets="false").json()
    assert body["facets"] == {} and body["total"] is None


def test_paging_follows_next_cursor(api_client, market):
    for params in ({}, {"q": "技术"}):
        seen, cursor = [], None
        while True:
            body = get(api_client, limit=2, **params, **({"cursor": cursor} if cursor else {})).json()
            seen += [i["id"] for i in body["items"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        assert len(seen) == len(set(seen)) == body["total"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"kind": "rumour"}, "invalid_kind"),
        ({"field": "nowhere"}, "invalid_field"),
        ({"province": "999999"}, "invalid_province"),
        ({"status": "withdrawn"}, "invalid_status"),
        ({"status": "draft,published"}, "invalid_status"),
        ({"maturity": "ripe"}, "invalid_maturity"),
        ({"ip_type": "brand"}, "invalid_ip_type"),
        ({"price_band": "cheap"}, "invalid_price_band"),
        ({"kind": "x", "maturity": "y"}, "invalid_filters"),
        ({"q": "铸造\x01"}, "invalid_q"),
        ({"limit": "0"}, "validation_error"),
        ({"limit": "101"}, "validation_error"),
        ({"limit": "abc"}, "validation_error"),
        ({"organization": "99999999999999"}, "validation_error"),
        ({"q": "长" * 201}, "validation_error"),
    ],
)
def test_bad_filter_values_are_422_with_a_code(api_client, reference, params, code):
    r = get(api_client, **params)
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["code"] == code and body["message"] and isinstance(body["details"], dict)


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        encode_cursor({"offset": -5}),
        encode_cursor({"after": 2**40}),
        encode_cursor({"after": 1, "at": 5}),
    ],
)
def test_a_bad_cursor_is_400(api_client, market, cursor):
    """Malformed, out of range, or the other list's (a ranked list pages by offset, the newest by
    position)."""
    for params in ({}, {"q": "技术"}):
        r = get(api_client, cursor=cursor, **params)
        assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"


def test_a_bad_token_is_401_before_validation(api_client, reference):
    r = api_client.get(URL, {"kind": "rumour"}, HTTP_AUTHORIZATION="Bearer nope")
    assert r.status_code == 401 and r.json()["code"] == "invalid_token"


def test_the_api_costs_constant_queries(api_client, make_listing, orgs, django_assert_max_num_queries):
    for i in range(30):
        make_listing(
            title=f"稀土永磁技术{i}", organization=orgs[("ln", "jl", "hl")[i % 3]], field_code="rare-earth-magnets"
        )
    for params in ({}, {"q": "稀土永磁"}, {"q": "稀土永磁", "field": "new-materials", "province": "220000"}):
        get(api_client, **params)
        with django_assert_max_num_queries(7):
            assert get(api_client, **params).status_code == 200
