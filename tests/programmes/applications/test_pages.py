"""Application pages per role: apply and edit (the budget in 万元), the detail page (timeline,
budget with its cap, attachments, history, the steps), 我的申请, 待推荐, 形式审查, a call's
applications; constant query counts; hostile input is 422, never 500."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from nesta.programmes.models import Application
from nesta.programmes.services import applications as services
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.programmes.applications.conftest import app_data
from tests.programmes.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def text(r):
    return r.content.decode()


def login(user):
    c = Client()
    c.force_login(user)
    return c


def _web_form(**over):
    data = {
        "title": "高性能铝合金挤压工艺研究",
        "summary": "研究挤压工艺。",
        "keywords": "铝合金",
        "field": "machinery",
        "team": "李明|东北大学|教授|负责人|12\n王芳|东北大学|副教授|试验|10",
        "equipment": "30",
        "equipment_purchase": "20",
        "business": "40",
        "labour": "15",
        "indirect": "15",
        "own_business": "20",
        "f_market": "市场需求大",
    }
    data.update(over)
    return data


def test_a_member_applies_through_the_web(users, call):
    c = login(users["member"])
    assert c.get(f"/projects/calls/{call.pk}/apply/").status_code == 200
    r = c.post(f"/projects/calls/{call.pk}/apply/", _web_form())
    assert r.status_code == 302, text(r)
    app = Application.objects.get()
    assert (
        app.requested_amount == 1_000_000 and app.self_funding == 200_000 and app.form_data == {"market": "市场需求大"}
    )
    assert app.team.get(is_lead=True).name == "李明"
    r = c.get(f"/projects/applications/{app.pk}/")
    html = text(r)
    assert r.status_code == 200 and 'data-testid="transition-submit"' in html and 'data-testid="timeline"' in html
    # direct 85万 less 20万 equipment purchase = 65万 → cap 19.5万 (30 %)
    assert 'data-testid="cap">19.5万元<' in html
    r = c.post(f"/projects/applications/{app.pk}/submit/")
    app.refresh_from_db()
    assert r.status_code == 302 and app.status == "submitted" and app.number == "2026-LN-000001"


def test_the_cap_is_refused_beside_the_field(users, call):
    c = login(users["member"])
    r = c.post(f"/projects/calls/{call.pk}/apply/", _web_form(indirect="30"))  # base 65万 → cap 19.5万
    assert r.status_code == 422
    assert r.context["form"].errors.get("indirect") and "上限" in r.context["form"].errors["indirect"][0]
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "over",
    [
        {"title": "题目\x00"},
        {"equipment": "1e30"},
        {"business": "-5"},
        {"start_date": "0001-01-01"},
        {"start_date": "2026-02-30"},
        {"team": "甲|乙|丙|丁|九百万"},
        {"f_market": "x" * 3000},
        {"field": "nope"},
        {"avoid_0": "999999999999999999999"},
    ],
)
def test_hostile_web_input_is_422(users, call, over):
    r = login(users["member"]).post(f"/projects/calls/{call.pk}/apply/", _web_form(**over))
    assert r.status_code == 422
    assert not Application.objects.exists()


def test_web_permissions_per_role(users, call):
    app = services.application_create(actor=users["member"], data=app_data(call, form_data={"market": "好"}))
    url = f"/projects/applications/{app.pk}/"
    assert Client().get(url).status_code == 302
    assert login(users["member"]).get(url).status_code == 200
    assert login(users["org_admin"]).get(url).status_code == 200
    assert login(users["province"]).get(url).status_code == 200
    assert login(users["office"]).get(url).status_code == 200
    assert login(users["expert"]).get(url).status_code == 404
    outsider_org = OrganizationFactory(province_code="220000", city_code="220100")
    outsider = grant(UserFactory(username="outsider", organization=outsider_org), "member", organization=outsider_org)
    assert login(outsider).get(url).status_code == 404
    # only the applicant's side submits; the office may not
    r = login(users["office"]).post(f"{url}submit/")
    app.refresh_from_db()
    assert r.status_code == 403 and app.status == "draft"
    assert login(users["office"]).get(f"{url}edit/").status_code == 403
    assert login(users["member"]).get(f"{url}edit/").status_code == 200


def test_the_whole_path_through_the_web(users, call):
    app = services.application_create(actor=users["member"], data=app_data(call, form_data={"market": "好"}))
    url = f"/projects/applications/{app.pk}/"
    login(users["member"]).post(f"{url}submit/")
    province = login(users["province"])
    queue = text(province.get("/projects/applications/recommend/"))
    assert app.title in queue
    assert 'data-testid="recommend-box"' in text(province.get(url))
    province.post(f"{url}recommend/")
    app.refresh_from_db()
    assert app.status == "recommended"
    office = login(users["office"])
    assert app.title in text(office.get("/projects/applications/check/"))
    html = text(office.get(url))
    assert 'data-testid="check-box"' in html
    # return without a failed item: refused, stays recommended
    office.post(
        f"{url}return/",
        {
            "ok_eligibility": "on",
            "ok_scope": "on",
            "ok_budget": "on",
            "ok_attachments": "on",
            "ok_commitment": "on",
            "ok_no_duplicate": "on",
        },
    )
    app.refresh_from_db()
    assert app.status == "recommended"
    office.post(
        f"{url}return/",
        {
            "ok_eligibility": "on",
            "why_budget": "劳务费偏高",
            "ok_attachments": "on",
            "ok_commitment": "on",
            "ok_no_duplicate": "on",
            "ok_scope": "on",
        },
    )
    app.refresh_from_db()
    assert app.status == "returned" and "劳务费偏高" in app.status_note
    member = login(users["member"])
    assert "劳务费偏高" in text(member.get(url))
    assert "劳务费偏高" in text(member.get("/projects/applications/mine/"))
    member.post(f"{url}submit/")
    province.post(f"{url}recommend/")
    office.post(f"{url}pass-check/", {f"ok_{c}": "on" for c in services.CHECKLIST})
    app.refresh_from_db()
    assert app.status == "in_review"
    html = text(member.get(url))
    assert "办理记录" in html and "形式审查通过" in html


def test_not_recommend_through_the_web_needs_a_reason(users, call):
    app = services.application_create(actor=users["member"], data=app_data(call, form_data={"market": "好"}))
    services.application_run("submit", actor=users["member"], application_id_=app.pk)
    province = login(users["province"])
    province.post(f"/projects/applications/{app.pk}/not-recommend/", {"reason": ""})
    app.refresh_from_db()
    assert app.status == "submitted"
    province.post(f"/projects/applications/{app.pk}/not-recommend/", {"reason": "不符合重点方向"})
    app.refresh_from_db()
    assert app.status == "not_recommended"
    html = text(login(users["member"]).get(f"/projects/applications/{app.pk}/"))
    assert 'data-state="stopped"' in html and "不符合重点方向" in html


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def test_attachments_are_checked_by_their_bytes(users, call):
    app = services.application_create(actor=users["member"], data=app_data(call))
    c = login(users["member"])
    url = f"/projects/applications/{app.pk}/attachments/"
    c.post(url, {"kind": "proposal", "file": SimpleUploadedFile("申报书.pdf", b"%PDF-1.4\n...", "application/pdf")})
    c.post(
        url, {"kind": "proposal", "file": SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")}
    )
    c.post(url, {"kind": "other", "file": SimpleUploadedFile("x.exe", b"MZ", "application/octet-stream")})
    c.post(url, {"kind": "commitment", "file": SimpleUploadedFile("承诺书.docx", _docx(), "application/msword")})
    names = sorted(app.attachments.values_list("name", flat=True))
    assert names == ["承诺书.docx", "申报书.pdf"]
    att = app.attachments.get(name="申报书.pdf")
    r = c.get(f"{url}{att.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content if r.streaming else [r.content]).startswith(b"%PDF")
    assert login(users["expert"]).get(f"{url}{att.pk}/").status_code == 404
    c.post(f"{url}{att.pk}/delete/")
    assert app.attachments.count() == 1


def test_lists_are_constant_in_queries(users, call, django_assert_max_num_queries):
    org = users["member"].organization
    for _ in range(2):
        ApplicationFactory(call=call, organization=org, applicant=users["member"])
    pages = {
        "member": "/projects/applications/mine/",
        "province": "/projects/applications/recommend/",
        "office": f"/projects/calls/{call.pk}/applications/",
    }
    counts = {}
    for role, url in pages.items():
        c = login(users[role])
        c.get(url)
        with django_assert_max_num_queries(30) as q:
            assert c.get(url).status_code == 200
        counts[role] = len(q.captured_queries)
    for _ in range(8):
        ApplicationFactory(call=call, organization=org, applicant=users["member"])
    for role, url in pages.items():
        c = login(users[role])
        with django_assert_max_num_queries(counts[role]):
            assert c.get(url).status_code == 200


def test_queues_refuse_those_without_the_role(users, reference):
    assert login(users["member"]).get("/projects/applications/recommend/").status_code == 403
    assert login(users["province"]).get("/projects/applications/check/").status_code == 403
    assert Client().get("/projects/applications/mine/").status_code == 302


def test_detail_at_390px_has_responsive_tables(users, call):
    app = services.application_create(actor=users["member"], data=app_data(call))
    html = text(login(users["member"]).get(f"/projects/applications/{app.pk}/"))
    assert html.count("table-responsive") >= 2 and 'data-testid="budget-table"' in html
