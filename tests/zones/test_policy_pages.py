"""The policy register's and the topics' web pages: public, search box first, filters, narrow
screens (tables scroll), constant query counts; the forms through the services with errors beside
the fields (422), the file upload, the output form on a topic's page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nesta.core.models import AuditLog
from nesta.zones.models import PolicyDocument, PolicyOutput, PolicyTopic
from nesta.zones.services import policy as services
from nesta.zones.services import policy_topics as topics
from tests.factories import OrganizationFactory
from tests.zones.test_policy_services import PDF, national, provincial, zone_doc

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(zone_people, zones):
    office = zone_people["office"]
    return [
        services.policy_create(actor=office, data=national()),
        services.policy_create(actor=office, data=provincial(issued_on="2005-03-01")),
        services.policy_create(actor=office, data=zone_doc(zones, issued_on="2006-05-10")),
    ]


@pytest.fixture
def topic(zone_people, zones, documents):
    office = zone_people["office"]
    lead = OrganizationFactory(kind="university", name="东北大学")
    t = topics.topic_create(
        actor=office,
        data={
            "title": "新时期高新区二次创业政策需求研究",
            "lead": lead.pk,
            "zones": [zones["shenyang"].pk],
            "status": "underway",
            "started_on": "2025-01-01",
            "due_on": "2026-06-30",
        },  # fmt: skip
    )
    topics.output_create(
        actor=office,
        topic_id=t.pk,
        data={
            "kind": "adopted",
            "title": "孵化器扶持建议被采纳",
            "delivered_on": "2025-06-01",
            "document": documents[2].pk,
        },  # fmt: skip
    )
    return t


def results(response) -> int:
    return response.content.decode().count('data-testid="policy-result"')


def test_the_register_is_public_with_the_search_box_first(client, documents):
    r = client.get("/zones/policies/")
    page = r.content.decode()
    assert r.status_code == 200 and results(r) == 3
    assert page.index('data-testid="policy-q"') < page.index('name="scope"')
    assert 'data-testid="zones-subnav"' in page and "登记政策文件" not in page
    assert results(client.get("/zones/policies/?q=孵化器")) == 1
    assert results(client.get("/zones/policies/?scope=national")) == 1
    assert results(client.get("/zones/policies/?province=210000&year_from=2006")) == 1
    assert results(client.get("/zones/policies/?issuer=国务院")) == 1
    assert "找到 0 份文件" in client.get("/zones/policies/?q=量子计算").content.decode()
    # a bad filter is ignored and said, never a 500; a bad cursor is the 400 page
    assert client.get("/zones/policies/?year_from=abc").status_code == 200
    assert client.get("/zones/policies/?cursor=!!!").status_code == 400


def test_a_search_offers_its_matches_by_scope_and_province(client, documents, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        r = client.get("/zones/policies/?q=二次创业")
    assert results(r) == 3
    facets = r.context["facets"]
    assert {f["value"]: f["count"] for f in facets["scope"]} == {"national": 1, "province": 1, "zone": 1}
    assert facets["province"] == [{"value": "210000", "label": "辽宁省", "count": 2}]
    page = r.content.decode()
    assert 'data-testid="policy-facets"' in page and "scope=zone" in page
    assert 'data-testid="policy-facets"' not in client.get("/zones/policies/").content.decode()


def test_the_htmx_request_gets_the_results_only(client, documents):
    r = client.get("/zones/policies/?q=孵化器", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "<html" not in r.content.decode() and results(r) == 1


def test_the_register_reads_a_constant_number_of_queries(client, zone_people, zones, django_assert_max_num_queries):
    client.get("/zones/policies/")
    for i in range(10):
        services.policy_create(actor=zone_people["office"], data=zone_doc(zones, doc_number=f"第{i}号"))
    with django_assert_max_num_queries(10):
        assert results(client.get("/zones/policies/")) == 10
    with django_assert_max_num_queries(12):
        assert results(client.get("/zones/policies/?q=孵化器&year_from=2000")) == 10


def test_a_document_shows_its_facts_text_file_and_origin(client, documents, topic, zone_people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = documents[2]
    services.policy_file_put(actor=zone_people["office"], document_id=doc.pk, file=SimpleUploadedFile("办法.pdf", PDF))
    page = client.get(f"/zones/policies/{doc.pk}/").content.decode()
    assert doc.title in page and "沈高新管发〔2006〕3号" in page and 'data-testid="policy-text"' in page
    assert 'data-testid="policy-origins"' in page and topic.title in page
    assert 'data-testid="edit-policy"' not in page
    r = client.get(f"/zones/policies/{doc.pk}/file/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    assert client.get(f"/zones/policies/{documents[0].pk}/file/").status_code == 404
    assert client.get("/zones/policies/2000000000/").status_code == 404
    client.force_login(zone_people["province"])
    assert 'data-testid="edit-policy"' in client.get(f"/zones/policies/{doc.pk}/").content.decode()
    assert 'data-testid="edit-policy"' not in client.get(f"/zones/policies/{documents[0].pk}/").content.decode()


def test_who_may_open_the_forms(client, documents, zone_people):
    assert client.get("/zones/policies/new/").status_code == 302  # to the login page
    client.force_login(zone_people["committee"])
    assert client.get("/zones/policies/new/").status_code == 403
    assert client.get("/zones/topics/new/").status_code == 403
    client.force_login(zone_people["province"])
    assert client.get("/zones/policies/new/").status_code == 200
    assert client.get(f"/zones/policies/{documents[0].pk}/edit/").status_code == 403  # national
    assert client.get(f"/zones/policies/{documents[1].pk}/edit/").status_code == 200
    assert client.get("/zones/topics/new/").status_code == 403


def form_data(**over):
    data = {
        "title": "辽宁省支持高新区孵化器建设的若干政策",
        "doc_number": "辽科发〔2007〕21号",
        "issuer": "辽宁省科学技术厅",
        "issued_on": "2007-04-18",
        "effective_until": "",
        "scope": "province",
        "province": "210000",
        "summary": "对新认定的国家级孵化器给予一次性奖励。",
        "text": "第一条 为支持全省高新区孵化器建设……",
    }
    data.update(over)
    return data


def test_a_province_registers_a_document_with_its_file_through_the_form(client, zone_people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(zone_people["province"])
    r = client.post("/zones/policies/new/", {**form_data(), "file": SimpleUploadedFile("政策.docx", b"MZ")})
    assert r.status_code == 422 and "文件内容与扩展名不符" in r.content.decode()
    assert not PolicyDocument.objects.exists()
    r = client.post("/zones/policies/new/", form_data(province=""))
    assert r.status_code == 422 and "省级文件须指定省份" in r.content.decode()
    r = client.post("/zones/policies/new/", form_data(province="220000"))
    assert r.status_code == 403
    r = client.post("/zones/policies/new/", {**form_data(), "file": SimpleUploadedFile("政策原文.pdf", PDF)})
    doc = PolicyDocument.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/zones/policies/{doc.pk}/"
    assert doc.file_name == "政策原文.pdf" and AuditLog.objects.filter(action="policy.created").count() == 1
    r = client.post("/zones/policies/new/", form_data())
    assert r.status_code == 422 and "该发文机关的同一文号已登记" in r.content.decode()
    # edit: change the title, then remove the file
    r = client.post(f"/zones/policies/{doc.pk}/edit/", form_data(title="辽宁省支持孵化器建设的若干政策（修订）"))
    assert r.status_code == 302
    doc.refresh_from_db()
    assert doc.title.endswith("（修订）") and doc.file_name == "政策原文.pdf"
    r = client.post(f"/zones/policies/{doc.pk}/edit/", form_data(remove_file="on"))
    doc.refresh_from_db()
    assert r.status_code == 302 and doc.file_name == ""


def test_the_topic_pages(client, topic, zone_people, zones, django_assert_max_num_queries):
    r = client.get("/zones/topics/")
    assert r.status_code == 200 and r.content.decode().count('data-testid="topic-result"') == 1
    assert "1 项成果" in r.content.decode()
    assert client.get("/zones/topics/?status=planned").content.decode().count('data-testid="topic-result"') == 0
    assert client.get("/zones/topics/?status=nonsense").status_code == 200
    # the search box comes first and searches the outputs' words too
    listing = r.content.decode()
    assert listing.index('data-testid="topic-q"') < listing.index('id="id_status"')
    assert client.get("/zones/topics/?q=孵化器扶持").content.decode().count('data-testid="topic-result"') == 1
    assert client.get("/zones/topics/?q=量子通信").content.decode().count('data-testid="topic-result"') == 0
    with django_assert_max_num_queries(8):
        assert client.get("/zones/topics/?q=二次创业").status_code == 200
    page = client.get(f"/zones/topics/{topic.pk}/").content.decode()
    assert 'data-testid="topic-outputs"' in page and "table-responsive" in page
    assert 'data-testid="output-form"' not in page  # anonymous
    with django_assert_max_num_queries(8):
        assert client.get(f"/zones/topics/{topic.pk}/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/zones/topics/").status_code == 200
    assert client.get("/zones/topics/2000000000/").status_code == 404


def test_the_office_adds_an_output_and_edits_the_topic(client, topic, zone_people):
    client.force_login(zone_people["office"])
    page = client.get(f"/zones/topics/{topic.pk}/").content.decode()
    assert 'data-testid="output-form"' in page and 'data-testid="edit-topic"' in page
    url = f"/zones/topics/{topic.pk}/outputs/"
    r = client.post(url, {"kind": "adopted", "title": "采纳", "delivered_on": "2025-07-01"})
    assert r.status_code == 422 and "被采纳的政策须指向登记的政策文件" in r.content.decode()
    r = client.post(url, {"kind": "report", "title": "中期研究报告", "delivered_on": "2025-07-01"})
    assert r.status_code == 302 and r["Location"].endswith("#outputs")
    assert PolicyOutput.objects.filter(topic=topic).count() == 2
    edit = f"/zones/topics/{topic.pk}/edit/"
    form = client.get(edit).content.decode()
    assert re.search(rf'<option value="{topic.lead_id}" selected>', form)
    data = {"title": topic.title, "lead": topic.lead_id, "status": "planned", "started_on": "2025-01-01",
            "due_on": "2026-06-30", "summary": ""}  # fmt: skip
    r = client.post(edit, data)
    assert r.status_code == 422 and "只能向前推进" in r.content.decode()
    r = client.post(edit, {**data, "status": "completed", "completed_on": "2025-12-30"})
    assert r.status_code == 302
    topic.refresh_from_db()
    assert topic.status == "completed" and str(topic.completed_on) == "2025-12-30"
    client.force_login(zone_people["province"])
    assert client.post(url, {"kind": "report", "title": "x", "delivered_on": "2025-07-01"}).status_code == 403


def test_the_office_creates_a_topic_through_the_form(client, zone_people, zones):
    lead = OrganizationFactory(kind="research_institute", name="辽宁省科学技术情报研究所")
    client.force_login(zone_people["office"])
    data = {"title": "高新区财政贴息政策效果评估", "lead": lead.pk, "zones": [zones["shenyang"].pk, zones["changchun"].pk],
            "status": "planned", "started_on": "2026-01-05", "due_on": "2025-12-31"}  # fmt: skip
    r = client.post("/zones/topics/new/", data)
    assert r.status_code == 422 and "计划结题日期不能早于立项日期" in r.content.decode()
    r = client.post("/zones/topics/new/", {**data, "due_on": "2026-12-31"})
    topic = PolicyTopic.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/zones/topics/{topic.pk}/"
    assert topic.zones.count() == 2
    page = client.get(f"/zones/topics/{topic.pk}/").content.decode()
    assert 'data-testid="output-form"' not in page and "开始研究" in page  # planned: no outputs yet
