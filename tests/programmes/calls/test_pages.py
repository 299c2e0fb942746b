"""Call pages: the public list at /projects/ (the nav item 重点项目), a call's page, create/edit
for the office and a province, the lifecycle's buttons; drafts hidden from others."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from nesta.programmes.models import Call
from tests.programmes.factories import CallFactory

pytestmark = pytest.mark.django_db


def text(r):
    return r.content.decode()


def test_projects_is_the_call_list_and_the_nav_item(client, reference):
    open_call = CallFactory(title="公开受理的指南")
    CallFactory(title="尚未发布的草稿", status="draft")
    r = client.get("/projects/")
    html = text(r)
    assert r.status_code == 200 and "公开受理的指南" in html and "尚未发布的草稿" not in html
    assert 'href="/projects/"' in html and "重点项目" in html and "该功能正在建设中" not in html
    r = client.get(f"/projects/calls/{open_call.pk}/")
    assert r.status_code == 200 and 'data-testid="apply"' in text(r)


def test_drafts_are_seen_by_those_who_run_them(users, reference):
    draft = CallFactory(status="draft", title="草稿指南")
    anonymous = Client()
    assert anonymous.get(f"/projects/calls/{draft.pk}/").status_code == 404
    member = Client()
    member.force_login(users["member"])
    assert member.get(f"/projects/calls/{draft.pk}/").status_code == 404
    office = Client()
    office.force_login(users["office"])
    r = office.get(f"/projects/calls/{draft.pk}/")
    assert r.status_code == 200 and 'data-testid="transition-publish"' in text(r)
    assert "草稿指南" in text(office.get("/projects/"))


def test_the_list_is_constant_in_queries(client, reference, django_assert_max_num_queries):
    for _ in range(3):
        CallFactory()
    client.get("/projects/")
    with django_assert_max_num_queries(12) as small:
        client.get("/projects/")
    for _ in range(12):
        CallFactory()
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/projects/")


def _form(**over):
    now = timezone.localtime()
    data = {
        "programme": "action-special-fund",
        "title": "2027年度新材料重点项目申报指南",
        "summary": "支持新材料。",
        "year": "2027",
        "opens_at": (now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        "budget": "3000",
        "max_request": "300",
        "criteria": "innovation|创新性|0.6|百分制\nfeasibility|可行性|0.4|综合评价",
        "reviewers_per_application": "5",
        "min_load": "0",
        "max_load": "10",
        "max_avoid": "3",
        "form_fields": '[{"name": "market", "label": "市场前景", "type": "textarea", "required": true}]',
    }
    data.update(over)
    return data


def test_office_creates_edits_and_publishes_through_the_web(users, reference):
    c = Client()
    c.force_login(users["office"])
    assert c.get("/projects/calls/new/").status_code == 200
    r = c.post("/projects/calls/new/", _form())
    assert r.status_code == 302, text(r)
    call = Call.objects.get(title="2027年度新材料重点项目申报指南")
    assert call.budget == 30_000_000 and call.max_request == 3_000_000 and call.criteria.count() == 2
    assert call.form_fields[0]["name"] == "market"
    assert c.get(f"/projects/calls/{call.pk}/edit/").status_code == 200
    r = c.post(f"/projects/calls/{call.pk}/edit/", _form(title="改名后的指南", panel="on", cutoff_count="10"))
    assert r.status_code == 302, text(r)
    call.refresh_from_db()
    assert call.title == "改名后的指南" and call.rounds.count() == 2
    r = c.post(f"/projects/calls/{call.pk}/publish/")
    call.refresh_from_db()
    assert r.status_code == 302 and call.status == "open"


@pytest.mark.parametrize(
    "over,where",
    [
        ({"criteria": "a|甲|0.5"}, "criteria"),
        ({"closes_at": "2000-01-01T00:00"}, None),
        ({"closes_at": "9999-12-31T23:00"}, "closes_at"),
        ({"budget": "1e30"}, "budget"),
        ({"max_request": "5000"}, None),
        ({"form_fields": "[{"}, "form_fields"),
        ({"form_fields": '[{"name": "x", "label": "x", "type": "file"}]'}, "form_fields"),
        ({"title": "指南\x00"}, None),
    ],
)
def test_bad_call_forms_are_422_never_500(users, reference, over, where):
    c = Client()
    c.force_login(users["office"])
    r = c.post("/projects/calls/new/", _form(**over))
    assert r.status_code == 422
    if where:
        assert r.context["form"].errors.get(where), r.context["form"].errors
    assert not Call.objects.exists()


def test_members_and_anonymous_may_not_create(users, reference):
    c = Client()
    assert c.get("/projects/calls/new/").status_code == 302
    c.force_login(users["member"])
    assert c.get("/projects/calls/new/").status_code == 403
    assert c.post("/projects/calls/new/", _form()).status_code == 403


def test_a_province_creates_its_own_call(users, reference):
    c = Client()
    c.force_login(users["province"])
    r = c.post("/projects/calls/new/", _form(owner_province="210000"))
    assert r.status_code == 302, text(r)
    assert Call.objects.get().owner_province.code == "210000"
    r = c.post("/projects/calls/new/", _form(owner_province="220000", title="吉林的"))
    assert r.status_code == 403


def test_call_page_at_390px_has_no_fixed_widths(client, reference):
    call = CallFactory()
    html = text(client.get(f"/projects/calls/{call.pk}/"))
    assert "table-responsive" in html and "width:" not in html.replace("min-width:", "")


@pytest.mark.parametrize(
    ("role", "links"),
    [
        (None, []),
        ("office", ["recommend-queue", "check-queue", "projects", "budget", "subsidies"]),
        ("province", ["recommend-queue", "projects", "budget", "subsidies"]),
        ("member", ["my-applications", "projects", "subsidies"]),
        ("expert", ["my-invitations"]),
    ],
)
def test_the_call_list_links_each_role_to_its_pages(users, reference, role, links):
    import re

    client = Client()
    if role:
        client.force_login(users[role])
    html = text(client.get("/projects/"))
    shown = re.findall(
        r'data-testid="(my-applications|recommend-queue|check-queue|my-invitations|projects|budget|subsidies)"', html
    )
    assert [s for s in shown if s in links] == links
    assert set(shown) == set(links)
    if "subsidies" in links:
        assert 'href="/projects/subsidies/"' in html
