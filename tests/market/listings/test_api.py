"""The listings API: statuses, error codes, hostile input, the contact rule, transitions, mine."""

import json

import pytest

from nesta.core.models import AuditLog
from nesta.market.models import Interest, Listing, ListingStatus
from tests.conftest import bearer
from tests.factories import UserFactory, grant
from tests.market.factories import ListingFactory
from tests.market.listings.conftest import listing_data

pytestmark = pytest.mark.django_db
BASE = "/api/v1/market/listings"


def post(client, url, body, user=None, **extra):
    headers = bearer(user) if user else {}
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers, **extra)


def patch(client, url, body, user=None):
    headers = bearer(user) if user else {}
    return client.patch(url, data=json.dumps(body), content_type="application/json", **headers)


def get(client, url, user=None):
    return client.get(url, **(bearer(user) if user else {}))


def test_create_read_patch_and_the_whole_way(api_client, users):
    owner, reviewer = users["org_admin"], users["province"]
    r = post(api_client, BASE, listing_data(), owner)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == "draft" and body["kind_display"] == "技术成果" and body["price_text"] == "50万元"
    assert body["contacts"]["phone"] == "024-12345678"
    assert "submit" in body["transitions"] and "approve" not in body["transitions"]
    pk = body["id"]
    r = patch(api_client, f"{BASE}/{pk}", {"title": "改过的标题：铸造铝合金"}, owner)
    assert r.status_code == 200 and r.json()["title"] == "改过的标题：铸造铝合金"
    assert post(api_client, f"{BASE}/{pk}/submit", {}, owner).status_code == 200
    assert post(api_client, f"{BASE}/{pk}/approve", {"note": "同意"}, owner).status_code == 403
    r = post(api_client, f"{BASE}/{pk}/approve", {"note": "同意"}, reviewer)
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = post(api_client, f"{BASE}/{pk}/publish", {}, owner)
    assert r.json()["status"] == "published" and r.json()["status_display"] == "已发布"
    r = post(api_client, f"{BASE}/{pk}/publish", {}, owner)
    assert r.status_code == 409 and r.json()["code"] == "invalid_state"
    anonymous = get(api_client, f"{BASE}/{pk}").json()
    assert anonymous["contacts"] is None and anonymous["contacts_hidden_reason"] == "接受意向后可见"
    assert anonymous["review_note"] == "" and anonymous["transitions"] == []


def test_return_needs_a_reason(api_client, users):
    listing = ListingFactory(organization=users["org_admin"].organization, status=ListingStatus.SUBMITTED)
    url = f"{BASE}/{listing.pk}/return"
    assert post(api_client, url, {}, users["province"]).status_code == 422
    assert post(api_client, url, {"reason": ""}, users["province"]).status_code == 422
    assert post(api_client, url, {"reason": "坏\x01"}, users["province"]).status_code == 422
    assert post(api_client, url, {"reason": "坏\x00"}, users["province"]).json()["code"] == "invalid_characters"
    r = post(api_client, url, {"reason": "请补充指标"}, users["province"])
    assert r.status_code == 200 and r.json()["status"] == "draft" and r.json()["review_note"] == "请补充指标"


def test_no_negotiate_or_expire_endpoint(api_client, users):
    listing = ListingFactory(organization=users["org_admin"].organization)
    for step in ("negotiate", "expire"):
        assert post(api_client, f"{BASE}/{listing.pk}/{step}", {}, users["office"]).status_code in (404, 405)


def test_drafts_hidden_from_others(api_client, users, org_jl):
    draft = ListingFactory(organization=users["org_admin"].organization, status=ListingStatus.DRAFT)
    assert get(api_client, f"{BASE}/{draft.pk}").status_code == 404
    outsider = grant(UserFactory(username="jl_admin", organization=org_jl), "org_admin", organization=org_jl)
    assert get(api_client, f"{BASE}/{draft.pk}", outsider).status_code == 404
    assert get(api_client, f"{BASE}/{draft.pk}", users["member"]).status_code == 200
    assert get(api_client, f"{BASE}/{draft.pk}", users["province"]).status_code == 200
    assert get(api_client, f"{BASE}/999999", users["office"]).status_code == 404


def test_contacts_for_an_accepted_interest(api_client, users, org_jl):
    listing = ListingFactory(organization=users["org_admin"].organization)
    party = grant(UserFactory(username="jl_member", organization=org_jl), "member", organization=org_jl)
    interest = Interest.objects.create(listing=listing, organization=org_jl, user=party, message="有意", status="open")
    assert get(api_client, f"{BASE}/{listing.pk}", party).json()["contacts"] is None
    interest.status = "accepted"
    interest.save()
    assert get(api_client, f"{BASE}/{listing.pk}", party).json()["contacts"]["email"] == "contact@example.cn"


# --- hostile input ----------------------------------------------------------------------------


def test_anonymous_is_401_before_any_validation(api_client, users):
    listing = ListingFactory(organization=users["org_admin"].organization, status=ListingStatus.SUBMITTED)
    for url, body in (
        (BASE, {"kind": 5, "title": None}),
        (BASE, {}),
        (f"{BASE}/{listing.pk}/return", {}),
        (f"{BASE}/{listing.pk}/submit", {"x": 1}),
        (f"{BASE}/import", {}),
    ):
        r = post(api_client, url, body)
        assert r.status_code == 401 and r.json()["code"] == "not_authenticated", url
    assert patch(api_client, f"{BASE}/{listing.pk}", {"title": 5}).status_code == 401
    assert get(api_client, f"{BASE}/mine?limit=abc").status_code == 401
    assert get(api_client, f"{BASE}/export?scope=zzz").status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "标题\x02带控制字符"}, "title"),
        ({"summary": "简介\x1b[31m"}, "summary"),
        ({"contact_name": "王\x08工"}, "contact_name"),
        ({"title": 12345}, "title"),
        ({"title": None}, "title"),
        ({"kind": ["achievement"]}, "kind"),
        ({"kind": "spaceship"}, "kind"),
        ({"price_low": "1e400"}, "price_low"),
        ({"price_low": 10**30}, "price_low"),
        ({"price_low": -5}, "price_low"),
        ({"price_low": True}, "price_low"),
        ({"organization": 10**20}, "organization"),
        ({"organization": True}, "organization"),
        ({"valid_until": "99999-01-01"}, "valid_until"),
        ({"valid_until": "1900-01-01"}, "valid_until"),
        ({"details": "not-an-object"}, "details"),
        ({"details": {"transfer_modes": ["license"], "ip_items": [{"type": "x" * 10000}]}}, "details.ip_items.type"),
        ({"details": {"transfer_modes": "license"}}, "details.transfer_modes"),
        ({"keywords": {"a": 1}}, "keywords"),
        ({"province": "21000000"}, "province"),
    ],
)
def test_hostile_create_bodies_are_422_with_the_field(api_client, users, change, field):
    r = post(api_client, BASE, {**listing_data(), **change}, users["org_admin"])
    assert r.status_code == 422, r.content
    body = r.json()
    assert set(body) == {"code", "message", "details"}
    assert any(k == field or k.startswith(field) for k in body["details"]), body["details"]
    assert not Listing.objects.exists()


def test_malformed_bodies(api_client, users):
    headers = bearer(users["org_admin"])
    r = api_client.post(BASE, data="{not json", content_type="application/json", **headers)
    assert r.status_code == 400
    r = api_client.post(BASE, data="[1, 2]", content_type="application/json", **headers)
    assert r.status_code == 400
    r = api_client.post(BASE, data="title=x", content_type="application/x-www-form-urlencoded", **headers)
    assert r.status_code == 415


def test_rule_codes_reach_the_client(api_client, users):
    r = post(api_client, BASE, listing_data(price_low="9", price_high="5"), users["org_admin"])
    assert r.status_code == 422 and r.json()["code"] == "price_range_inverted"
    assert r.json()["details"]["codes"]["price_high"] == "price_range_inverted"


def test_hostile_paths_and_queries(api_client, users):
    user = users["org_admin"]
    assert get(api_client, f"{BASE}/0", user).status_code == 422
    assert get(api_client, f"{BASE}/99999999999999", user).status_code == 422
    assert get(api_client, f"{BASE}/abc", user).status_code in (404, 422)
    assert get(api_client, f"{BASE}/mine?cursor=not-a-cursor", user).json()["code"] == "invalid_cursor"
    assert get(api_client, f"{BASE}/mine?limit=1000", user).status_code == 422
    assert get(api_client, f"{BASE}/mine?status=nope", user).status_code == 422
    assert get(api_client, f"{BASE}/mine?kind=nope", user).status_code == 422
    assert get(api_client, f"{BASE}/export?scope=all", user).status_code == 422


def test_patch_states_and_permissions(api_client, users, org_jl):
    listing = ListingFactory(organization=users["org_admin"].organization)
    url = f"{BASE}/{listing.pk}"
    r = patch(api_client, url, {"price_low": "1"}, users["org_admin"])
    assert r.status_code == 409 and r.json()["code"] == "field_locked"
    outsider = grant(UserFactory(username="jl_admin", organization=org_jl), "org_admin", organization=org_jl)
    assert patch(api_client, url, {"summary": "别人改的简介内容"}, outsider).status_code == 403
    r = patch(api_client, url, {"summary": "发布后修改的简介内容"}, users["member"])
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert AuditLog.objects.filter(action="listing.updated", object_id=str(listing.pk)).exists()


# --- mine ---------------------------------------------------------------------------------------


def test_mine_filters_and_pages(api_client, users, org_jl):
    org = users["org_admin"].organization
    for i in range(5):
        ListingFactory(organization=org, status=ListingStatus.DRAFT if i % 2 else ListingStatus.PUBLISHED)
    ListingFactory(
        organization=org,
        kind="demand",
        details={"problem": "焊缝老是裂开怎么办", "cooperation_modes": ["commissioned"]},
        maturity="",
        ip_type="",
        price_low=None,
        price_high=None,
    )
    ListingFactory(organization=org_jl)
    user = users["member"]
    page = get(api_client, f"{BASE}/mine?limit=4", user).json()
    assert len(page["items"]) == 4 and page["next_cursor"]
    rest = get(api_client, f"{BASE}/mine?limit=4&cursor={page['next_cursor']}", user).json()
    assert len(rest["items"]) == 2 and rest["next_cursor"] is None
    ids = [x["id"] for x in page["items"] + rest["items"]]
    assert ids == sorted(ids, reverse=True)
    assert len(get(api_client, f"{BASE}/mine?status=draft", user).json()["items"]) == 2
    assert len(get(api_client, f"{BASE}/mine?kind=demand", user).json()["items"]) == 1
    assert get(api_client, f"{BASE}/mine", users["expert"]).json()["items"] == []


def test_unknown_fields_are_refused_and_huge_web_ids_are_404(api_client, users):
    listing = ListingFactory(organization=users["org_admin"].organization, status=ListingStatus.DRAFT)
    r = post(api_client, BASE, {**listing_data(), "status": "published"}, users["org_admin"])
    assert r.status_code == 422 and "status" in r.json()["details"]
    r = patch(api_client, f"{BASE}/{listing.pk}", {"kind": "demand"}, users["org_admin"])
    assert r.status_code == 422 and "kind" in r.json()["details"]
    from django.test import Client

    web = Client()
    web.force_login(users["office"])
    huge = 10**30
    assert web.get(f"/market/listings/{huge}/").status_code == 404
    assert web.get(f"/market/listings/{huge}/edit/").status_code == 404
    assert web.post(f"/market/listings/{huge}/submit/").status_code == 404


def test_openapi_lists_the_listing_operations(api_client, db):
    spec = api_client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/market/listings"])
    assert {"get", "patch"} <= set(paths["/api/v1/market/listings/{listing_id}"])
    for step in ("submit", "return", "approve", "publish", "reopen", "deal", "withdraw"):
        assert "post" in paths[f"/api/v1/market/listings/{{listing_id}}/{step}"], step
    for path in ("mine", "export", "import", "import-template"):
        assert f"/api/v1/market/listings/{path}" in paths
    ids = [
        op["operationId"]
        for ops in paths.values()
        for op in ops.values()
        if isinstance(op, dict) and "operationId" in op
    ]
    assert len(ids) == len(set(ids))
