"""The policy register and research topics over the API: public reads with full-text search and
filters in a constant number of queries, writes by the right roles with coded errors, 401 before
validation, the file uploaded by content and downloaded under its Chinese name."""

import json
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nesta.zones.services import policy as services
from nesta.zones.services import policy_topics as topics
from tests.conftest import bearer
from tests.factories import OrganizationFactory
from tests.zones.test_policy_services import PDF, national, provincial, zone_doc

pytestmark = pytest.mark.django_db
BASE = "/api/v1/zone-policies"


def call(client, url, body=None, user=None, method="post"):
    headers = bearer(user) if user else {}
    if method == "get":
        return client.get(url, **headers)
    return getattr(client, method)(url, json.dumps(body or {}, default=str), content_type="application/json", **headers)


@pytest.fixture
def register(zone_people, zones):
    """A national, a Liaoning and a Shenyang-zone document, and a Jilin one of 2010."""
    office = zone_people["office"]
    return {
        "national": services.policy_create(actor=office, data=national()),
        "liaoning": services.policy_create(actor=office, data=provincial(issued_on="2005-03-01")),
        "zone": services.policy_create(
            actor=office, data=zone_doc(zones, issued_on="2006-05-10", text="孵化器租金补贴和创业导师制度。")
        ),
        "jilin": services.policy_create(
            actor=office,
            data=provincial(
                title="吉林省加快长春吉林高新区发展的意见",
                doc_number="吉政发〔2010〕5号",
                issuer="吉林省人民政府",
                province="220000",
                issued_on="2010-08-01",
                summary="支持长吉两个高新区建设孵化器和科技园。",
            ),
        ),
    }


def ids(r):
    assert r.status_code == 200, r.content
    return {i["id"] for i in r.json()["items"]}


def test_the_register_is_public_newest_first_with_total(api_client, register):
    r = api_client.get(BASE)
    body = r.json()
    assert body["total"] == 4
    assert [i["id"] for i in body["items"]] == [register[k].pk for k in ("jilin", "zone", "liaoning", "national")]
    first = body["items"][0]
    assert (first["scope"], first["province"], first["has_file"]) == ("province", "220000", False)


def test_full_text_search_over_title_number_issuer_and_text_with_filters(api_client, register, zones):
    r = register
    assert ids(api_client.get(f"{BASE}?q=孵化器")) == {r["zone"].pk, r["jilin"].pk}
    assert ids(api_client.get(f"{BASE}?q=" + quote("国发〔2003〕18号"))) == {r["national"].pk}
    assert ids(api_client.get(f"{BASE}?q=吉林省人民政府")) == {r["jilin"].pk}
    assert ids(api_client.get(f"{BASE}?q=创业导师")) == {r["zone"].pk}  # only in the text
    assert ids(api_client.get(f"{BASE}?q=孵化器&province=210000")) == {r["zone"].pk}
    assert ids(api_client.get(f"{BASE}?q=孵化器&scope=province")) == {r["jilin"].pk}
    assert ids(api_client.get(f"{BASE}?q=孵化器&zone={zones['shenyang'].pk}")) == {r["zone"].pk}
    assert ids(api_client.get(f"{BASE}?q=孵化器&year_from=2008")) == {r["jilin"].pk}
    assert ids(api_client.get(f"{BASE}?q=孵化器&issuer=管委会")) == {r["zone"].pk}
    assert ids(api_client.get(f"{BASE}?q=量子计算")) == set()
    # without a query: SQL filters
    assert ids(api_client.get(f"{BASE}?province=210000")) == {r["liaoning"].pk, r["zone"].pk}
    assert ids(api_client.get(f"{BASE}?year_from=2004&year_to=2006")) == {r["liaoning"].pk, r["zone"].pk}
    assert ids(api_client.get(f"{BASE}?scope=national")) == {r["national"].pk}
    assert ids(api_client.get(f"{BASE}?zone={zones['changchun'].pk}")) == set()
    assert ids(api_client.get(f"{BASE}?q=〔")) == {r["national"].pk, r["liaoning"].pk, r["zone"].pk, r["jilin"].pk}


def test_bad_filters_are_422_and_a_bad_cursor_400(api_client, register):
    for query in ("scope=city", "province=21", "zone=0", "year_from=1800", "limit=500", "q=%07", "zone=abc"):
        assert api_client.get(f"{BASE}?{query}").status_code == 422, query
    assert api_client.get(f"{BASE}?cursor=!!!").status_code == 400
    assert api_client.get(f"{BASE}?cursor=eyJvZmZzZXQiOi0xfQ").status_code == 400


def test_pages_follow_the_cursor_without_repeats(api_client, register):
    seen, url, pages = [], f"{BASE}?limit=3", 0
    while url:
        body = api_client.get(url).json()
        seen += [i["id"] for i in body["items"]]
        url = f"{BASE}?limit=3&cursor={body['next_cursor']}" if body["next_cursor"] else None
        pages += 1
    assert pages == 2 and len(seen) == len(set(seen)) == 4
    body = api_client.get(f"{BASE}?q=孵化器&limit=1").json()
    assert body["total"] == 2 and body["next_cursor"]
    second = api_client.get(f"{BASE}?q=孵化器&limit=1&cursor={body['next_cursor']}").json()
    assert second["items"][0]["id"] != body["items"][0]["id"] and second["next_cursor"] is None


@pytest.mark.parametrize("query", ["", "?q=孵化器", "?q=孵化器&year_from=2000", "?province=210000"])
def test_the_list_reads_a_constant_number_of_queries(
    api_client, zone_people, zones, django_assert_max_num_queries, query
):
    for i in range(12):
        services.policy_create(
            actor=zone_people["office"], data=zone_doc(zones, doc_number=f"沈高新管发〔2006〕{i + 10}号")
        )
    with django_assert_max_num_queries(5):
        r = api_client.get(f"{BASE}{query}{'&' if '?' in query else '?'}limit=50")
    assert r.status_code == 200 and len(r.json()["items"]) == 12


def test_anonymous_writes_are_401_before_validation(api_client, register):
    pk = register["national"].pk
    assert call(api_client, BASE, {"title": "\x07"}).status_code == 401
    assert call(api_client, f"{BASE}/{pk}", {"scope": "x"}, method="patch").status_code == 401
    assert api_client.post(f"{BASE}/{pk}/file", {}).status_code == 401
    assert call(api_client, "/api/v1/zone-policy-topics", {"lead": "x"}).status_code == 401
    assert call(api_client, "/api/v1/zone-policy-topics/1", {"status": 5}, method="patch").status_code == 401
    assert call(api_client, "/api/v1/zone-policy-topics/1/outputs", {"kind": 5}).status_code == 401


def test_register_and_change_documents_by_role(api_client, zone_people, zones):
    body = provincial()
    assert call(api_client, BASE, body, zone_people["jilin"]).status_code == 403
    assert call(api_client, BASE, body, zone_people["committee"]).status_code == 403
    r = call(api_client, BASE, body, zone_people["province"])
    assert r.status_code == 201, r.content
    doc = r.json()
    assert (doc["province"], doc["scope_label"], doc["text"]) == ("210000", "省级", body["text"])
    again = call(api_client, BASE, body, zone_people["province"])
    assert again.status_code == 409 and again.json()["code"] == "policy_exists"
    bad = call(api_client, BASE, {**body, "province": None}, zone_people["province"])
    assert bad.status_code == 422 and bad.json()["code"] == "province_required"
    assert set(bad.json()) == {"code", "message", "details"}
    assert call(api_client, BASE, {**body, "issued_on": "20050301"}, zone_people["office"]).status_code == 422
    assert call(api_client, BASE, {**body, "zones": [0]}, zone_people["office"]).status_code == 422
    assert call(api_client, BASE, {**body, "zones": list(range(1, 60))}, zone_people["office"]).status_code == 422
    url = f"{BASE}/{doc['id']}"
    r = call(api_client, url, {"scope": "zone", "zones": [zones["shenyang"].pk]}, zone_people["province"], "patch")
    assert r.status_code == 200 and r.json()["zones"] == [{"id": zones["shenyang"].pk, "name": zones["shenyang"].name}]
    r = call(api_client, url, {"effective_until": "2001-01-01"}, zone_people["province"], "patch")
    assert r.status_code == 422 and r.json()["code"] == "invalid_dates"
    assert call(api_client, f"{BASE}/2000000000", {"title": "x"}, zone_people["office"], "patch").status_code == 404
    assert api_client.get(f"{BASE}/2000000000").status_code == 404
    assert api_client.get(f"{BASE}/0").status_code == 422


def test_the_file_is_uploaded_by_content_and_downloaded_under_its_name(api_client, zone_people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = services.policy_create(actor=zone_people["office"], data=national())
    url = f"{BASE}/{doc.pk}/file"
    assert api_client.get(url).json()["code"] == "no_file"
    headers = bearer(zone_people["office"])
    bad = api_client.post(url, {"file": SimpleUploadedFile("决定.pdf", b"MZ\x90 exe")}, **headers)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_file"
    refused = api_client.post(url, {"file": SimpleUploadedFile("决定.pdf", PDF)}, **bearer(zone_people["province"]))
    assert refused.status_code == 403
    r = api_client.post(url, {"file": SimpleUploadedFile("国发〔2003〕18号.pdf", PDF)}, **headers)
    assert r.status_code == 200, r.content
    assert r.json()["has_file"] and r.json()["file_url"] == url
    r = api_client.get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert r["Content-Type"] == "application/pdf" and r["X-Content-Type-Options"] == "nosniff"
    assert "filename*=UTF-8''" + quote("国发〔2003〕18号.pdf", safe="") in r["Content-Disposition"]
    assert api_client.post(url, {}, **headers).status_code == 422  # no file part


# --- topics -----------------------------------------------------------------------------------


def test_topics_over_the_api(api_client, zone_people, zones):
    lead = OrganizationFactory(kind="research_institute", name="中国科学院沈阳分院")
    office = zone_people["office"]
    body = {"title": "国家高新区扩区与城市新区联动政策研究", "lead": lead.pk, "zones": [zones["shenyang"].pk],
            "started_on": "2025-01-10", "due_on": "2026-01-10"}  # fmt: skip
    assert call(api_client, "/api/v1/zone-policy-topics", body, zone_people["province"]).status_code == 403
    r = call(api_client, "/api/v1/zone-policy-topics", body, office)
    assert r.status_code == 201, r.content
    topic = r.json()
    assert (topic["status"], topic["lead"]["id"], topic["outputs"]) == ("planned", lead.pk, [])
    url = f"/api/v1/zone-policy-topics/{topic['id']}"
    out = {"kind": "report", "title": "扩区政策研究报告", "delivered_on": "2025-06-01"}
    r = call(api_client, f"{url}/outputs", out, office)
    assert r.status_code == 409 and r.json()["code"] == "topic_not_started"
    assert call(api_client, url, {"status": "underway"}, office, "patch").json()["status"] == "underway"
    r = call(api_client, f"{url}/outputs", out, office)
    assert r.status_code == 201 and r.json()["kind_label"] == "研究报告"
    r = call(api_client, f"{url}/outputs", {**out, "kind": "adopted"}, office)
    assert r.status_code == 422 and r.json()["code"] == "adopted_needs_document"
    doc = services.policy_create(actor=office, data=national())
    r = call(api_client, f"{url}/outputs", {**out, "kind": "adopted", "document": doc.pk}, office)
    assert r.json()["document"] == {"id": doc.pk, "name": doc.title}
    r = call(api_client, url, {"status": "completed", "completed_on": "2025-12-01"}, office, "patch")
    assert r.status_code == 200 and len(r.json()["outputs"]) == 2
    r = call(api_client, url, {"status": "planned"}, office, "patch")
    assert r.status_code == 409 and r.json()["code"] == "invalid_status"
    assert call(api_client, url, {"status": "later"}, office, "patch").status_code == 422
    # public reads, and the document says where it came from
    listing = api_client.get("/api/v1/zone-policy-topics?status=completed").json()
    assert [t["id"] for t in listing["items"]] == [topic["id"]] and listing["total"] == 1
    assert api_client.get(f"/api/v1/zone-policy-topics?zone={zones['changchun'].pk}").json()["total"] == 0
    origins = api_client.get(f"{BASE}/{doc.pk}").json()["origins"]
    assert [o["topic"] for o in origins] == [topic["id"]]
    assert api_client.get("/api/v1/zone-policy-topics/2000000000").status_code == 404


def test_the_topic_list_reads_a_constant_number_of_queries(
    api_client, zone_people, zones, django_assert_max_num_queries
):
    lead = OrganizationFactory(kind="university")
    for i in range(8):
        topic = topics.topic_create(
            actor=zone_people["office"],
            data={
                "title": f"课题{i}",
                "lead": lead.pk,
                "zones": [zones["shenyang"].pk],
                "status": "underway",
                "started_on": "2025-01-01",
                "due_on": "2025-12-31",
            },  # fmt: skip
        )
        topics.output_create(
            actor=zone_people["office"],
            topic_id=topic.pk,
            data={"kind": "report", "title": "报告", "delivered_on": "2025-03-01"},
        )
    with django_assert_max_num_queries(4):
        assert len(api_client.get("/api/v1/zone-policy-topics?limit=50").json()["items"]) == 8
    with django_assert_max_num_queries(4):
        assert len(api_client.get(f"/api/v1/zone-policy-topics/{topic.pk}").json()["outputs"]) == 1


def test_topics_are_searched_over_the_api(api_client, zone_people):
    lead = OrganizationFactory(kind="university", name="哈尔滨工业大学")
    for title in ("高新区孵化器政策研究", "民营科技企业融资研究"):
        topics.topic_create(
            actor=zone_people["office"],
            data={"title": title, "lead": lead.pk, "started_on": "2025-01-01", "due_on": "2025-12-31"},
        )
    r = api_client.get("/api/v1/zone-policy-topics?q=孵化器")
    assert r.status_code == 200 and [t["title"] for t in r.json()["items"]] == ["高新区孵化器政策研究"]
    assert api_client.get("/api/v1/zone-policy-topics?q=哈尔滨工业大学").json()["total"] == 2
    bad = api_client.get("/api/v1/zone-policy-topics?q=%01x")
    assert bad.status_code == 422 and bad.json()["code"]
