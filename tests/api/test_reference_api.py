import pytest

pytestmark = pytest.mark.django_db


def test_regions_list_three_provinces_with_their_cities(client, reference):
    body = client.get("/api/v1/regions").json()
    assert [(p["code"], p["name"]) for p in body] == [
        ("210000", "辽宁省"),
        ("220000", "吉林省"),
        ("230000", "黑龙江省"),
    ]
    cities = {c["name"] for p in body for c in p["children"]}
    for name in ["沈阳市", "大连市", "鞍山市", "阜新市", "长春市", "通化市", "哈尔滨市", "大庆市"]:
        assert name in cities
    dalian = next(c for c in body[0]["children"] if c["code"] == "210200")
    assert [d["name"] for d in dalian["children"]] == ["金州区"]


def test_taxonomy_tree_has_the_four_priority_areas(client, reference):
    body = client.get("/api/v1/taxonomy").json()
    assert [n["name"] for n in body] == ["高新技术产业", "高新技术改造传统产业", "现代农业", "现代服务业"]
    materials = next(c for c in body[0]["children"] if c["code"] == "new-materials")
    assert {"高温合金", "稀土永磁"} <= {c["name"] for c in materials["children"]}


def test_platforms(client, reference):
    assert [p["name"] for p in client.get("/api/v1/platforms").json()] == [
        "科技创新平台",
        "科技转化平台",
        "科技条件平台",
        "科技合作平台",
    ]


def test_healthz_ok(client, db):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_unreachable(client, db, monkeypatch):
    from django.db import connection
    from django.db.utils import OperationalError

    def broken_cursor(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_openapi_document_and_docs(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    for path in [
        "/api/v1/regions",
        "/api/v1/taxonomy",
        "/api/v1/organizations",
        "/api/v1/organizations/{org_id}",
        "/api/v1/auth/token",
        "/api/v1/people",
        "/api/v1/audit",
    ]:
        assert path in spec["paths"], path
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    # Government intranets: the docs page must load nothing from outside.
    assert "http://" not in docs.content.decode() and "https://" not in docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs.content.decode()
