"""The policy register's services: who may register which document (the office anything, a
province its own and its zones'), what is refused and with which code, the audit rows, the file
checks by content, and the research topics with their forward-only status and outputs."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nesta.core.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog, SearchDocument
from nesta.zones.models import PolicyDocument, PolicyOutput, PolicyTopic
from nesta.zones.selectors import policy as reads
from nesta.zones.services import policy as services
from nesta.zones.services import policy_topics as topics
from nesta.zones.services.policy_files import MAX_BYTES, clean_file_name, policy_file_check
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx(*extra: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        for name in extra:
            z.writestr(name, "x")
    return out.getvalue()


def ofd(main: str = "OFD.xml") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(main, "<ofd:OFD/>")
        z.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return out.getvalue()


def national(**over):
    data = {
        "title": "国务院关于进一步支持国家高新技术产业开发区发展的决定",
        "doc_number": "国发〔2003〕18号",
        "issuer": "国务院",
        "issued_on": "2003-06-20",
        "scope": "national",
        "summary": "支持国家高新区二次创业，完善孵化体系。",
        "text": "为推动国家高新技术产业开发区实现二次创业，现作如下决定。",
    }
    data.update(over)
    return data


def provincial(**over):
    base = {
        "title": "辽宁省关于支持沈大高新区二次创业的若干措施",
        "doc_number": "辽政发〔2005〕9号",
        "issuer": "辽宁省人民政府",
        "scope": "province",
        "province": "210000",
    }
    return national(**{**base, **over})


def zone_doc(reference_zones, /, **over):
    base = {
        "title": "沈阳高新区促进孵化器发展的实施办法",
        "doc_number": "沈高新管发〔2006〕3号",
        "issuer": "沈阳高新区管委会",
        "scope": "zone",
        "zones": [reference_zones["shenyang"].pk],
    }
    return national(**{**base, **over})


def codes(exc):
    return exc.value.code, sorted(exc.value.details)


# --- who may register which document ----------------------------------------------------------


def test_the_office_registers_a_national_document_audited_and_indexed(zone_people):
    doc = services.policy_create(actor=zone_people["office"], data=national())
    assert (doc.scope, doc.province_id, doc.created_by) == ("national", None, zone_people["office"])
    log = AuditLog.objects.get(action="policy.created")
    assert log.object_id == str(doc.pk) and log.changes["title"] == [None, doc.title]
    assert log.changes["doc_number"] == [None, "国发〔2003〕18号"]
    assert SearchDocument.objects.filter(doc_type="zone_policy", object_id=doc.pk, kind="national").exists()


@pytest.mark.parametrize("who", ["province", "committee", "member", "outsider"])
def test_only_the_office_registers_national_documents(zone_people, who):
    with pytest.raises(PermissionDenied):
        services.policy_create(actor=zone_people[who], data=national())
    assert not PolicyDocument.objects.exists() and not AuditLog.objects.exists()


def test_anonymous_is_refused_before_validation(zone_people):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        services.policy_create(actor=AnonymousUser(), data={"title": "\x07"})


def test_a_province_registers_its_own_and_its_zones_documents_only(zone_people, zones):
    ln, jl = zone_people["province"], zone_people["jilin"]
    doc = services.policy_create(actor=ln, data=provincial())
    assert doc.province.code == "210000"
    zone = services.policy_create(actor=ln, data=zone_doc(zones))
    assert zone.province.code == "210000" and [z.pk for z in zone.zones.all()] == [zones["shenyang"].pk]
    with pytest.raises(PermissionDenied):
        services.policy_create(actor=jl, data=provincial(doc_number="辽政发〔2005〕10号"))
    with pytest.raises(PermissionDenied):
        services.policy_create(actor=jl, data=zone_doc(zones, doc_number="x-1"))
    # and may not move its own document to another province
    with pytest.raises(PermissionDenied):
        services.policy_update(actor=ln, document_id=doc.pk, data={"province": "220000"})
    with pytest.raises(PermissionDenied):
        services.policy_update(actor=jl, document_id=doc.pk, data={"title": "改"})
    with pytest.raises(PermissionDenied):  # nor make it national
        services.policy_update(actor=ln, document_id=doc.pk, data={"scope": "national"})
    doc.refresh_from_db()
    assert doc.province.code == "210000" and doc.scope == "province"


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("over", "code", "field"),
    [
        ({"scope": "province"}, "province_required", "province"),
        ({"scope": "zone"}, "zones_required", "zones"),
        ({"province": "210000"}, "national_has_province", "province"),
        ({"scope": "city"}, "invalid_policy", "scope"),
        ({"title": ""}, "validation_error", "title"),
        ({"title": "标题\x00"}, "validation_error", "title"),
        ({"title": "两行\n标题"}, "validation_error", "title"),
        ({"issuer": "x" * 121}, "validation_error", "issuer"),
        ({"issued_on": "1949-12-31"}, "validation_error", "issued_on"),
        ({"issued_on": "2003-02-30"}, "validation_error", "issued_on"),
        ({"issued_on": str(date.today() + timedelta(days=30))}, "validation_error", "issued_on"),
        ({"effective_until": "2003-01-01"}, "invalid_dates", "effective_until"),
        ({"province": "999999", "scope": "province"}, "validation_error", "province"),
        ({"province": "210100", "scope": "province"}, "validation_error", "province"),
        ({"colour": "red"}, "unknown_field", "colour"),
        ({"zones": [2_000_000_000], "scope": "zone"}, "unknown_zone", "zones"),
    ],
)
def test_what_a_document_must_be(zone_people, over, code, field):
    with pytest.raises(ValidationFailed) as exc:
        services.policy_create(actor=zone_people["office"], data=national(**over))
    assert exc.value.code == code and field in exc.value.details
    assert not PolicyDocument.objects.exists()


def test_zones_must_be_zones_of_one_province_and_only_for_zone_documents(zone_people, zones):
    office = zone_people["office"]
    institute = OrganizationFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.policy_create(actor=office, data=zone_doc(zones, zones=[institute.pk]))
    assert exc.value.code == "unknown_zone"
    both = [zones["shenyang"].pk, zones["changchun"].pk]
    with pytest.raises(ValidationFailed) as exc:
        services.policy_create(actor=office, data=zone_doc(zones, zones=both))
    assert exc.value.code == "zones_in_one_province"
    with pytest.raises(ValidationFailed) as exc:
        services.policy_create(actor=office, data=national(zones=[zones["shenyang"].pk]))
    assert exc.value.code == "zones_need_zone_scope"
    with pytest.raises(ValidationFailed) as exc:
        services.policy_create(actor=office, data=zone_doc(zones, province="220000"))
    assert exc.value.code == "province_mismatch"
    with pytest.raises(ValidationFailed) as exc:
        services.policy_create(actor=office, data=zone_doc(zones, zones="12"))
    assert exc.value.code == "invalid_policy"


def test_the_same_doc_number_of_one_issuer_is_registered_once(zone_people):
    office = zone_people["office"]
    first = services.policy_create(actor=office, data=national())
    with pytest.raises(Conflict) as exc:
        services.policy_create(actor=office, data=national(title="另一标题"))
    assert exc.value.code == "policy_exists"
    services.policy_create(actor=office, data=national(issuer="科技部"))  # another issuer's number
    other = services.policy_create(actor=office, data=national(doc_number="国发〔2003〕19号"))
    with pytest.raises(Conflict):
        services.policy_update(actor=office, document_id=other.pk, data={"doc_number": first.doc_number})


def test_an_update_changes_only_what_is_given_audits_the_difference_and_reindexes(zone_people, zones):
    office = zone_people["office"]
    doc = services.policy_create(actor=office, data=zone_doc(zones))
    services.policy_update(actor=office, document_id=doc.pk, data={"title": "沈阳高新区二次创业孵化器扶持办法"})
    doc.refresh_from_db()
    assert doc.title.startswith("沈阳高新区二次创业") and doc.issuer == "沈阳高新区管委会"
    log = AuditLog.objects.get(action="policy.updated")
    assert list(log.changes) == ["title"]
    tokens = SearchDocument.objects.get(doc_type="zone_policy", object_id=doc.pk).tokens
    assert "二次" in tokens or "二次创业" in tokens
    # a no-op writes no audit row
    services.policy_update(actor=office, document_id=doc.pk, data={"title": doc.title})
    assert AuditLog.objects.filter(action="policy.updated").count() == 1
    # a zone document becomes national: no province, no zones
    services.policy_update(actor=office, document_id=doc.pk, data={"scope": "national", "zones": []})
    doc.refresh_from_db()
    assert (doc.province_id, list(doc.zones.all())) == (None, [])
    with pytest.raises(NotFound):
        services.policy_update(actor=office, document_id=2_000_000, data={})


# --- the file ---------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_files_are_judged_by_their_content():
    assert policy_file_check("决定.pdf", PDF)[:2] == ("决定.pdf", "application/pdf")
    assert policy_file_check("决定.docx", docx())[0] == "决定.docx"
    assert policy_file_check("决定.DOC", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)[0] == "决定.doc"
    assert policy_file_check("决定.ofd", ofd())[1] == "application/ofd"
    name, content_type, data = policy_file_check("决定.txt", "第一条 为推进高新区二次创业。".encode("gb18030"))
    assert content_type.startswith("text/plain") and data.decode("utf-8").startswith("第一条")
    refused = [
        ("setup.exe", b"MZ\x90\x00"),
        ("决定.pdf", b"MZ\x90\x00 not a pdf"),
        ("决定.docx", PDF),
        ("决定.docx", b"PK\x03\x04garbage"),
        ("决定.docx", docx("word/vbaProject.bin")),
        ("决定.ofd", ofd("Other.xml")),
        ("决定.txt", b"text\x00with nul"),
        ("决定.txt", "含控制字符\x1b[0m".encode()),
        ("决定.txt", b"\xff\xfe\xfa\xfb\xfc"),
        ("决定.txt", PDF),
        ("空.pdf", b""),
    ]
    for name, data in refused:
        with pytest.raises(ValidationFailed) as exc:
            policy_file_check(name, data)
        assert exc.value.code == "invalid_file" and "file" in exc.value.details, name
    with pytest.raises(ValidationFailed) as exc:
        policy_file_check("大.pdf", PDF + b"0" * MAX_BYTES)
    assert exc.value.code == "file_too_large"


def test_file_names_are_cleaned():
    assert clean_file_name("C:\\文件\\国发〔2003〕18号.PDF") == ("国发〔2003〕18号.pdf", ".pdf")
    assert clean_file_name("../../etc/a:b*c?.pdf") == ("a_b_c_.pdf", ".pdf")
    assert clean_file_name("x" * 300 + ".pdf")[0] == "x" * 116 + ".pdf"
    with pytest.raises(ValidationFailed):
        clean_file_name("rtl\u202efdp.exe")


def test_a_file_is_stored_replaced_and_removed_with_audit(zone_people, media):
    office = zone_people["office"]
    upload = SimpleUploadedFile("国发〔2003〕18号.pdf", PDF, content_type="application/pdf")
    doc = services.policy_create(actor=office, data=national(), file=upload)
    assert doc.file_name == "国发〔2003〕18号.pdf" and doc.file.name.startswith("zones/policy/policy-")
    first = media / doc.file.name
    assert first.read_bytes() == PDF
    with pytest.raises(PermissionDenied):
        services.policy_file_put(actor=zone_people["province"], document_id=doc.pk, file=upload)
    with pytest.raises(ValidationFailed):
        services.policy_file_put(actor=office, document_id=doc.pk, file=SimpleUploadedFile("a.exe", b"MZ"))
    services.policy_file_put(actor=office, document_id=doc.pk, file=SimpleUploadedFile("决定.docx", docx()))
    doc.refresh_from_db()
    assert doc.file_name == "决定.docx" and (media / doc.file.name).exists()
    log = AuditLog.objects.filter(action="policy.updated").latest("id")
    assert log.changes == {"file_name": ["国发〔2003〕18号.pdf", "决定.docx"]}
    services.policy_file_remove(actor=office, document_id=doc.pk)
    doc.refresh_from_db()
    assert (doc.file.name, doc.file_name) == ("", "")


def test_a_refused_document_leaves_no_file_behind(zone_people, media, monkeypatch):
    office = zone_people["office"]
    services.policy_create(actor=office, data=national(), file=SimpleUploadedFile("a.pdf", PDF))
    stored = sorted(p.name for p in (media / "zones" / "policy").iterdir())
    with pytest.raises(Conflict):
        services.policy_create(actor=office, data=national(), file=SimpleUploadedFile("a.pdf", PDF))

    def broken(**kwargs):  # a failure after the file was written rolls the file back too
        raise RuntimeError("index down")

    monkeypatch.setattr(services, "_index", lambda *a: broken())
    with pytest.raises(RuntimeError):
        services.policy_create(actor=office, data=national(doc_number="x"), file=SimpleUploadedFile("b.pdf", PDF))
    assert sorted(p.name for p in (media / "zones" / "policy").iterdir()) == stored
    assert PolicyDocument.objects.count() == 1


# --- research topics --------------------------------------------------------------------------


def topic_data(lead, /, **over):
    data = {
        "title": "新时期国家高新区二次创业政策需求研究",
        "lead": lead.pk,
        "status": "planned",
        "started_on": "2025-03-01",
        "due_on": "2026-06-30",
        "summary": "研究东北七个国家高新区的政策需求。",
    }
    data.update(over)
    return data


@pytest.fixture
def lead(reference):
    return OrganizationFactory(kind="university", name="东北大学")


def test_only_the_office_manages_topics(zone_people, zones, lead):
    for who in ("province", "committee", "member", "outsider"):
        with pytest.raises(PermissionDenied):
            topics.topic_create(actor=zone_people[who], data=topic_data(lead))
    topic = topics.topic_create(actor=zone_people["office"], data=topic_data(lead, zones=[zones["shenyang"].pk]))
    assert topic.status == "planned" and [z.pk for z in topic.zones.all()] == [zones["shenyang"].pk]
    assert AuditLog.objects.get(action="policy_topic.created").changes["lead"] == [None, lead.pk]
    with pytest.raises(PermissionDenied):
        topics.topic_update(actor=zone_people["province"], topic_id=topic.pk, data={"title": "改"})


@pytest.mark.parametrize(
    ("over", "code", "field"),
    [
        ({"title": ""}, "validation_error", "title"),
        ({"lead": 2_000_000_000}, "unknown_organization", "lead"),
        ({"due_on": "2025-01-01"}, "invalid_dates", "due_on"),
        ({"started_on": "1989-12-31"}, "validation_error", "started_on"),
        ({"status": "done"}, "invalid_topic", "status"),
        ({"completed_on": "2025-05-01"}, "not_completed", "completed_on"),
        ({"status": "completed", "completed_on": "2025-01-01"}, "invalid_dates", "completed_on"),
        ({"zones": [2_000_000_000]}, "unknown_zone", "zones"),
    ],
)
def test_what_a_topic_must_be(zone_people, lead, over, code, field):
    with pytest.raises(ValidationFailed) as exc:
        topics.topic_create(actor=zone_people["office"], data=topic_data(lead, **over))
    assert exc.value.code == code and field in exc.value.details
    assert not PolicyTopic.objects.exists()


def test_a_topic_moves_forward_only_and_records_its_outputs(zone_people, lead):
    office = zone_people["office"]
    topic = topics.topic_create(actor=office, data=topic_data(lead))
    report = {"kind": "report", "title": "东北高新区政策需求调研报告", "delivered_on": "2025-09-01"}
    with pytest.raises(Conflict) as exc:  # planned: nothing delivered yet
        topics.output_create(actor=office, topic_id=topic.pk, data=report)
    assert exc.value.code == "topic_not_started"
    topics.topic_update(actor=office, topic_id=topic.pk, data={"status": "underway"})
    output = topics.output_create(actor=office, topic_id=topic.pk, data=report)
    assert AuditLog.objects.get(action="policy_output.created").object_id == str(output.pk)
    with pytest.raises(ValidationFailed) as exc:
        topics.output_create(actor=office, topic_id=topic.pk, data={**report, "kind": "adopted"})
    assert exc.value.code == "adopted_needs_document"
    with pytest.raises(ValidationFailed) as exc:
        topics.output_create(actor=office, topic_id=topic.pk, data={**report, "delivered_on": "2025-01-01"})
    assert exc.value.code == "invalid_dates"
    with pytest.raises(ValidationFailed) as exc:
        topics.output_create(actor=office, topic_id=topic.pk, data={**report, "document": 2_000_000_000})
    assert exc.value.code == "unknown_document"
    with pytest.raises(PermissionDenied):
        topics.output_create(actor=zone_people["province"], topic_id=topic.pk, data=report)
    doc = services.policy_create(actor=office, data=national())
    adopted = topics.output_create(
        actor=office, topic_id=topic.pk, data={**report, "kind": "adopted", "title": "被采纳", "document": doc.pk}
    )
    assert adopted.document == doc
    topics.topic_update(actor=office, topic_id=topic.pk, data={"status": "completed"})
    topic.refresh_from_db()
    assert topic.status == "completed" and topic.completed_on == date.today()
    for back in ("underway", "planned"):
        with pytest.raises(Conflict) as exc:
            topics.topic_update(actor=office, topic_id=topic.pk, data={"status": back})
        assert exc.value.code == "invalid_status"
    # a completed topic still takes outputs (a policy adopted after the report)
    topics.output_create(actor=office, topic_id=topic.pk, data={**report, "title": "后续建议", "kind": "proposal"})
    assert PolicyOutput.objects.filter(topic=topic).count() == 3
    with pytest.raises(NotFound):
        topics.output_create(actor=office, topic_id=2_000_000_000, data=report)


def test_planned_to_completed_directly_takes_a_completion_date(zone_people, lead):
    office = zone_people["office"]
    topic = topics.topic_create(actor=office, data=topic_data(lead))
    topics.topic_update(actor=office, topic_id=topic.pk, data={"status": "completed", "completed_on": "2025-12-20"})
    topic.refresh_from_db()
    assert str(topic.completed_on) == "2025-12-20"
    log = AuditLog.objects.get(action="policy_topic.updated")
    assert log.changes["status"] == ["planned", "completed"]


def test_reindex_rebuilds_the_search_documents(zone_people, zones):
    office = zone_people["office"]
    for data in (national(), provincial(), zone_doc(zones)):
        services.policy_create(actor=office, data=data)
    SearchDocument.objects.filter(doc_type="zone_policy").delete()
    seen: list[int] = []
    assert services.policy_reindex(batch_size=2, progress=seen.append) == 3 and seen == [2, 3]
    zone = SearchDocument.objects.get(doc_type="zone_policy", kind="zone")
    assert zone.province_code == "210000" and zone.fields == f"z{zones['shenyang'].pk}"


def test_topics_are_searched_by_their_words_and_outputs_and_filtered_by_status_zone_and_lead(zone_people, zones, lead):
    office = zone_people["office"]
    other = OrganizationFactory(kind="research_institute", name="吉林省科学技术信息研究所")
    first = topics.topic_create(
        actor=office, data=topic_data(lead, title="高新区孵化器政策研究", zones=[zones["shenyang"].pk])
    )
    second = topics.topic_create(
        actor=office, data=topic_data(other, title="高新区土地政策研究", summary="研究建区面积调整。")
    )
    topics.topic_create(actor=office, data=topic_data(lead, title="民营科技企业融资研究", summary="融资担保。"))

    def found(**f):
        return [t.pk for t in reads.topic_page(filters=reads.TopicFilters(**f)).items]

    assert sorted(found(q="高新区 政策")) == sorted([first.pk, second.pk])
    assert found(q="孵化器") == [first.pk]
    assert found(q="建区面积") == [second.pk]  # the content is searched too
    assert found(q="吉林省科学技术信息研究所") == [second.pk]  # and the lead's name
    assert found(q="高新区", zone=zones["shenyang"].pk) == [first.pk]
    assert found(q="高新区", lead=other.pk) == [second.pk]
    assert found(q="高新区", status="underway") == []
    # an output's words find its topic; a status change moves it between the filters
    topics.topic_update(actor=office, topic_id=second.pk, data={"status": "underway"})
    topics.output_create(
        actor=office,
        topic_id=second.pk,
        data={"kind": "proposal", "title": "关于扩区的政策建议", "delivered_on": "2025-09-01"},
    )
    assert found(q="扩区") == [second.pk]
    assert found(q="高新区", status="underway") == [second.pk]
    page = reads.topic_page(filters=reads.TopicFilters(q="高新区"), limit=1)
    assert page.total == 2 and len(page.items) == 1 and page.next_cursor
    assert found(q="！！") == []  # no searchable word: a plain title match, none here


def test_topic_reindex_rebuilds_their_search_documents(zone_people, lead, zones):
    office = zone_people["office"]
    topic = topics.topic_create(actor=office, data=topic_data(lead, zones=[zones["shenyang"].pk]))
    SearchDocument.objects.filter(doc_type="zone_policy_topic").delete()
    assert reads.topic_page(filters=reads.TopicFilters(q="二次创业")).items == []
    assert topics.topic_reindex() == 1
    doc = SearchDocument.objects.get(doc_type="zone_policy_topic")
    assert (doc.object_id, doc.kind, doc.fields) == (topic.pk, "planned", f"z{zones['shenyang'].pk}")
    assert [t.pk for t in reads.topic_page(filters=reads.TopicFilters(q="二次创业")).items] == [topic.pk]
