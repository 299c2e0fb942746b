import json

import pytest

from nesta.core.models import AuditLog
from nesta.directory.models import Organization
from nesta.directory.validators import make_uscc
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def post(client, url, data, user=None, **extra):
    headers = bearer(user) if user else {}
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers, **extra)


def patch(client, url, data, user=None):
    headers = bearer(user) if user else {}
    return client.patch(url, data=json.dumps(data), content_type="application/json", **headers)


NEW_ORG = {
    "name": "沈阳稀土永磁材料研究院",
    "kind": "research_institute",
    "province": "210000",
    "city": "210100",
    "fields": ["rare-earth-magnets"],
    "description": "从事稀土永磁与高温合金研究，拥有扫描电镜。",
}


def test_kind_high_tech_zone_lists_exactly_the_seven_zones(client, reference, org_ln):
    body = client.get("/api/v1/organizations?kind=high_tech_zone").json()
    assert sorted(o["city"]["name"] for o in body["items"]) == sorted(
        ["沈阳市", "大连市", "鞍山市", "长春市", "吉林市", "哈尔滨市", "大庆市"]
    )
    assert all(o["kind"] == "high_tech_zone" for o in body["items"])
    assert body["next_cursor"] is None


def test_filters_province_and_city(client, reference, org_ln, org_jl):
    ids = [o["id"] for o in client.get("/api/v1/organizations?province=220000").json()["items"]]
    assert org_jl.pk in ids and org_ln.pk not in ids
    ids = [o["id"] for o in client.get("/api/v1/organizations?city=210100").json()["items"]]
    assert org_ln.pk in ids and org_jl.pk not in ids


def test_chinese_query_ranks_and_returns_facets(client, users):
    created = post(client, "/api/v1/organizations", NEW_ORG, users["office"])
    assert created.status_code == 201, created.content
    body = client.get("/api/v1/organizations", {"q": "稀土永磁", "facets": "true"}).json()
    assert body["items"][0]["name"] == "沈阳稀土永磁材料研究院"
    assert body["total"] == 1
    assert body["facets"]["province"] == {"210000": 1}
    assert client.get("/api/v1/organizations", {"q": "稀土", "province": "230000"}).json()["items"] == []


def test_cursor_pagination_walks_every_row_once(client, reference):
    seen = []
    url = "/api/v1/organizations?limit=3"
    while url:
        body = client.get(url).json()
        seen += [o["id"] for o in body["items"]]
        url = f"/api/v1/organizations?limit=3&cursor={body['next_cursor']}" if body["next_cursor"] else None
    assert sorted(seen) == sorted(Organization.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen)) == 7


def test_invalid_cursor_is_400(client, reference):
    response = client.get("/api/v1/organizations?cursor=!!notacursor")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_create_requires_credentials(client, reference):
    response = post(client, "/api/v1/organizations", NEW_ORG)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_member_may_not_create(client, users):
    response = post(client, "/api/v1/organizations", NEW_ORG, users["member"])
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Organization.objects.filter(name=NEW_ORG["name"]).exists()


def test_province_user_creates_only_in_own_province(client, users):
    assert post(client, "/api/v1/organizations", NEW_ORG, users["province"]).status_code == 201
    other = dict(NEW_ORG, name="长春光电子研究所", province="220000", city="220100")
    assert post(client, "/api/v1/organizations", other, users["province"]).status_code == 403


def test_validation_errors_name_the_fields(client, users):
    bad = dict(NEW_ORG, city="220100", uscc="91210100MA0000000X")
    response = post(client, "/api/v1/organizations", bad, users["office"])
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert "city" in body["details"]
    missing = post(client, "/api/v1/organizations", {"name": "x"}, users["office"])
    assert missing.status_code == 422
    assert {"kind", "province"} <= set(missing.json()["details"])


def test_duplicate_uscc_conflicts(client, users):
    code = make_uscc("1", "2", "210100", "12345678")
    assert post(client, "/api/v1/organizations", dict(NEW_ORG, uscc=code), users["office"]).status_code == 201
    again = post(client, "/api/v1/organizations", dict(NEW_ORG, name="另一家", uscc=code), users["office"])
    assert again.status_code in (409, 422)
    assert "uscc" in json.dumps(again.json())


def test_malformed_json_is_400(client, users):
    response = client.post(
        "/api/v1/organizations", data="{not json", content_type="application/json", **bearer(users["office"])
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


def test_nul_character_is_refused_before_the_database(client, users):
    response = post(client, "/api/v1/organizations", dict(NEW_ORG, name="坏\x00名"), users["office"])
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


def test_patch_by_org_admin_is_audited(client, users, org_ln):
    response = patch(
        client, f"/api/v1/organizations/{org_ln.pk}", {"address": "沈阳市浑南区智慧四街1号"}, users["org_admin"]
    )
    assert response.status_code == 200, response.content
    assert response.json()["address"] == "沈阳市浑南区智慧四街1号"
    log = AuditLog.objects.get(
        object_type="directory.organization", object_id=str(org_ln.pk), action="organization.updated"
    )
    assert log.actor == users["org_admin"]
    assert log.changes["address"] == ["", "沈阳市浑南区智慧四街1号"]


def test_org_admin_may_not_patch_another_organisation_or_change_kind(client, users, org_jl, org_ln):
    assert patch(client, f"/api/v1/organizations/{org_jl.pk}", {"address": "x"}, users["org_admin"]).status_code == 403
    assert (
        patch(client, f"/api/v1/organizations/{org_ln.pk}", {"kind": "enterprise"}, users["org_admin"]).status_code
        == 403
    )
    org_ln.refresh_from_db()
    assert org_ln.kind == "research_institute"


def test_unknown_id_and_unknown_path_are_json_404(client, reference):
    assert client.get("/api/v1/organizations/999999").json()["code"] == "not_found"
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_wrong_method_is_json_405(client, reference):
    response = client.delete("/api/v1/regions")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_english_messages_on_request(client, reference):
    response = client.get("/api/v1/organizations/999999", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["code"] == "not_found"
    assert response.json()["message"] != "未找到请求的记录。"
