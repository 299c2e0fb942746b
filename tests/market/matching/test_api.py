"""GET /api/v1/market/listings/{id}/matches: visibility, limits, errors, and what a match says."""

import pytest

from nesta.market.models import ListingStatus
from tests.conftest import bearer
from tests.factories import UserFactory
from tests.market.matching.helpers import achievement, demand, org

pytestmark = pytest.mark.django_db
URL = "/api/v1/market/listings/{}/matches"


@pytest.fixture
def pair(reference, org_ln):
    good = achievement(
        "铸件缩松缺陷控制技术",
        "通过凝固模拟与补缩设计消除铸件缩孔缩松。",
        keywords="缩松",
        price_low=300000,
        price_high=300000,
    )
    for i in range(3):
        achievement(f"铸件缩孔控制工艺{i}", "铸件缩孔缩松的工艺改进。")
    need = demand("阀体铸件有砂眼", "阀体铸件加工后老是有砂眼，返修多。", owner=org_ln, stored=True, budget=500000)
    return need, good


def test_anyone_reads_the_matches_of_a_published_listing(api_client, pair):
    need, good = pair
    res = api_client.get(URL.format(need.pk))
    assert res.status_code == 200, res.content
    body = res.json()
    assert body[0]["listing"]["id"] == good.pk
    first = body[0]
    assert set(first) == {"listing", "score", "reasons", "components"}
    assert 0 < first["score"] <= 1
    assert all(set(r) == {"code", "text"} and r["text"] for r in first["reasons"])
    assert {"lexical", "field", "region", "fit", "price"} <= set(first["components"])
    summary = first["listing"]
    for hidden in ("contact_name", "contact_phone", "contact_email", "details"):
        assert hidden not in summary
    assert "王工" not in res.content.decode() and "contact@example.cn" not in res.content.decode()
    assert summary["url"] == good.get_absolute_url()


def test_the_plain_baseline_is_asked_by_method(api_client, pair):
    need, _good = pair
    body = api_client.get(URL.format(need.pk), {"method": "bm25"}).json()
    assert body and all(set(m["components"]) == {"bm25"} for m in body)


@pytest.mark.parametrize(
    "limit, status", [("1", 200), ("50", 200), ("0", 422), ("51", 422), ("x", 422), ("9" * 30, 422)]
)
def test_limit_is_bounded(api_client, pair, limit, status):
    need, _good = pair
    res = api_client.get(URL.format(need.pk), {"limit": limit})
    assert res.status_code == status
    if status == 422:
        assert res.json()["code"] == "validation_error" and "limit" in res.json()["details"]
    else:
        assert len(res.json()) <= int(limit)


def test_unknown_method_is_422(api_client, pair):
    res = api_client.get(URL.format(pair[0].pk), {"method": "magic"})
    assert res.status_code == 422 and res.json()["code"] == "validation_error"


@pytest.mark.parametrize("pk", ["0", "999999", "2147483648", "-1", "abc"])
def test_unknown_ids_are_404_or_422(api_client, pair, pk):
    res = api_client.get(URL.format(pk))
    assert res.status_code in (404, 422)
    assert set(res.json()) == {"code", "message", "details"}


def test_a_draft_is_404_to_others_and_matched_for_its_owner_and_reviewers(api_client, pair, users, org_jl):
    need, good = pair
    need.status = ListingStatus.DRAFT
    need.save()
    assert api_client.get(URL.format(need.pk)).status_code == 404
    outsider = UserFactory(organization=org_jl)
    from tests.factories import grant

    grant(outsider, "org_admin", organization=org_jl)
    res = api_client.get(URL.format(need.pk), **bearer(outsider))
    assert res.status_code == 404 and res.json()["code"] == "not_found"
    for role in ("org_admin", "member", "office", "province"):
        res = api_client.get(URL.format(need.pk), **bearer(users[role]))
        assert res.status_code == 200, role
        assert res.json()[0]["listing"]["id"] == good.pk


def test_a_bad_token_is_401_before_the_limit_is_checked(api_client, pair):
    res = api_client.get(URL.format(pair[0].pk), {"limit": "0"}, HTTP_AUTHORIZATION="Bearer nope")
    assert res.status_code == 401 and res.json()["code"] in ("invalid_token", "not_authenticated")


def test_a_listing_of_the_same_kind_is_never_a_match(api_client, pair):
    need, _ = pair
    demand("阀体铸件缩松", "铸件缩松缺陷控制，需要技术。", owner=org(), stored=True)
    body = api_client.get(URL.format(need.pk)).json()
    assert {m["listing"]["kind"] for m in body} <= {"achievement", "capacity", "service"}


def test_the_listing_page_box_loads_the_matches(client, pair):
    need, good = pair
    res = client.get(f"/market/listings/{need.pk}/matches/", HTTP_HX_REQUEST="true")
    assert res.status_code == 200
    html = res.content.decode()
    assert good.title in html and "match-reasons" in html and "<html" not in html
    page = client.get(f"/market/listings/{need.pk}/matches/")
    assert page.status_code == 200 and "<html" in page.content.decode() and good.title in page.content.decode()
    need.status = ListingStatus.DRAFT
    need.save()
    assert client.get(f"/market/listings/{need.pk}/matches/").status_code == 404


def test_the_box_reads_a_constant_number_of_queries(client, pair, django_assert_max_num_queries):
    need, _ = pair
    client.get(f"/market/listings/{need.pk}/matches/", HTTP_HX_REQUEST="true")  # warm the caches
    for i in range(10):
        achievement(f"铸件砂眼缩松治理方案{i}", "铸件砂眼与缩松的综合治理。")
    with django_assert_max_num_queries(60):
        client.get(f"/market/listings/{need.pk}/matches/", HTTP_HX_REQUEST="true")


def test_the_matcher_sees_a_listing_exactly_when_the_listings_part_does(reference, users, org_ln, org_jl):
    from django.contrib.auth.models import AnonymousUser

    from nesta.core.errors import NotFound
    from nesta.market.matching.queries import visible_listing
    from nesta.market.selectors.listings import may_view

    viewers = [AnonymousUser(), *users.values()]
    for owner in (org_ln, org_jl):
        for status in ListingStatus.values:
            listing = achievement("铸件缩松", "缩松。", owner=owner, status=status)
            for viewer in viewers:
                try:
                    visible_listing(viewer=viewer, listing_id=listing.pk)
                    seen = True
                except NotFound:
                    seen = False
                assert seen == may_view(viewer, listing), (status, viewer)
