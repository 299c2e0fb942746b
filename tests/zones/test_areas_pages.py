"""The area requests' web pages: the list per role with its filters and constant queries, the
request's page with the steps the viewer may take (and their forms), the history, filing and
editing through the form, the steps' POSTs with their messages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from nesta.zones.models import AreaRequest, AreaRequestStatus, ZoneYear
from nesta.zones.services.areas import area_request_run

pytestmark = pytest.mark.django_db
S = AreaRequestStatus


def make(zone, status=S.DRAFT, filer=None, title="扩区申请"):
    return AreaRequest.objects.create(
        zone=zone, title=title, current_area=Decimal("10"), requested_area=Decimal("12"),
        area_innovation=Decimal("7"), area_incubation=Decimal("5"), justification="理由", status=status,
        created_by=filer,
    )  # fmt: skip


def login(client, user):
    client.force_login(user)
    return client


def test_anonymous_goes_to_the_login_page(client, zones):
    req = make(zones["shenyang"])
    for url in (
        reverse("zones:area_request_list"),
        reverse("zones:area_request", args=[req.pk]),
        reverse("zones:area_request_edit", args=[req.pk]),
        reverse("zones:area_request_create", args=[zones["shenyang"].pk]),
    ):
        r = client.get(url)
        assert r.status_code == 302 and "/login" in r["Location"], url
    r = client.post(reverse("zones:area_request_submit", args=[req.pk]))
    assert r.status_code == 302 and "/login" in r["Location"]
    req.refresh_from_db()
    assert req.status == S.DRAFT


def test_each_role_lists_what_it_may(client, zones, zone_people):
    make(zones["shenyang"], S.SUBMITTED, title="沈阳扩区")
    make(zones["changchun"], S.ENDORSED, title="长春扩区")
    url = reverse("zones:area_request_list")
    for who, titles in (
        ("office", {"沈阳扩区", "长春扩区"}),
        ("province", {"沈阳扩区"}),
        ("jilin", {"长春扩区"}),
        ("committee", {"沈阳扩区"}),
        ("member", {"沈阳扩区"}),
        ("other_committee", {"长春扩区"}),
        ("outsider", set()),
    ):
        body = login(client, zone_people[who]).get(url).content.decode()
        assert {t for t in ("沈阳扩区", "长春扩区") if t in body} == titles, who


def test_the_list_filters_by_zone_and_status(client, zones, zone_people):
    make(zones["shenyang"], S.SUBMITTED, title="甲申请")
    make(zones["shenyang"], S.DRAFT, title="乙申请")
    make(zones["changchun"], S.SUBMITTED, title="丙申请")
    c = login(client, zone_people["office"])
    body = c.get(reverse("zones:area_request_list"), {"zone": zones["shenyang"].pk, "status": "submitted"}).content
    body = body.decode()
    assert "甲申请" in body and "乙申请" not in body and "丙申请" not in body
    # htmx gets the results only
    r = c.get(reverse("zones:area_request_list"), {"status": "draft"}, HTTP_HX_REQUEST="true")
    assert "乙申请" in r.content.decode() and "<html" not in r.content.decode()
    # a province's filter offers its own zones only
    body = login(client, zone_people["province"]).get(reverse("zones:area_request_list")).content.decode()
    assert zones["shenyang"].name in body and zones["changchun"].name not in body
    # nonsense filters are ignored, a bad cursor is a 400 page
    assert c.get(reverse("zones:area_request_list"), {"zone": "x", "status": "y"}).status_code == 200
    assert c.get(reverse("zones:area_request_list"), {"cursor": "!!"}).status_code == 400


def test_the_list_reads_a_constant_number_of_queries(client, zones, zone_people, django_assert_max_num_queries):
    c = login(client, zone_people["province"])
    url = reverse("zones:area_request_list")
    make(zones["shenyang"], S.SUBMITTED, filer=zone_people["committee"])
    c.get(url)  # the session and the grants, once
    with django_assert_max_num_queries(20) as few:
        c.get(url)
    for _ in range(15):
        make(zones["shenyang"], S.SUBMITTED, filer=zone_people["committee"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = c.get(url)
    assert r.content.decode().count('data-testid="area-request-row"') == 16


@pytest.mark.parametrize(
    "who,state,steps",
    [
        ("committee", S.DRAFT, {"submit", "withdraw"}),
        ("committee", S.RETURNED, {"submit", "withdraw"}),
        ("committee", S.SUBMITTED, {"withdraw"}),
        ("committee", S.ENDORSED, set()),
        ("member", S.DRAFT, set()),
        ("province", S.SUBMITTED, {"endorse", "return"}),
        ("province", S.ENDORSED, set()),
        ("office", S.SUBMITTED, set()),
        ("office", S.ENDORSED, {"approve", "reject", "send_back"}),
        ("office", S.APPROVED, set()),
    ],
)
def test_the_page_offers_the_steps_the_viewer_may_take(client, zones, zone_people, who, state, steps):
    req = make(zones["shenyang"], state)
    body = login(client, zone_people[who]).get(reverse("zones:area_request", args=[req.pk])).content.decode()
    names = ("submit", "withdraw", "endorse", "return", "send_back", "approve", "reject")
    assert {n for n in names if f'data-testid="step-{n}"' in body} == steps
    assert ('data-testid="edit-area-request"' in body) == (who == "committee" and state in (S.DRAFT, S.RETURNED))


@pytest.mark.parametrize("who", ["other_committee", "jilin", "outsider"])
def test_others_do_not_see_the_request(client, zones, zone_people, who):
    req = make(zones["shenyang"], S.SUBMITTED)
    assert login(client, zone_people[who]).get(reverse("zones:area_request", args=[req.pk])).status_code == 404


def test_the_page_shows_the_opinions_and_the_history(client, zones, zone_people):
    filer = zone_people["committee"]
    req = make(zones["shenyang"], filer=filer)
    area_request_run("submit", actor=filer, request_id=req.pk)
    area_request_run("endorse", actor=zone_people["province"], request_id=req.pk,
                     data={"province_supports": True, "province_opinion": "同意，符合全省高新区布局。"})  # fmt: skip
    area_request_run("approve", actor=zone_people["office"], request_id=req.pk,
                     data={"approved_area": "11.50", "decision_note": "批准扩区至 11.5 平方公里。"})  # fmt: skip
    body = login(client, filer).get(reverse("zones:area_request", args=[req.pk])).content.decode()
    assert "同意，符合全省高新区布局。" in body and "批准扩区至 11.5 平方公里。" in body
    assert 'data-testid="approved-area">11.50<' in body
    history = body[body.index('data-testid="area-request-history"') :]
    for label in ("提交调整扩区申请", "出具省级意见", "批准调整扩区"):
        assert label in history
    assert str(zone_people["province"]) in history and "省科技厅" in history and "领导小组办公室" in history
    assert history.count('data-testid="history-step"') == 3
    assert "同意，符合全省高新区布局。" in history  # what each step said, beside it


def test_a_returned_request_shows_why(client, zones, zone_people):
    filer = zone_people["committee"]
    req = make(zones["shenyang"], S.SUBMITTED, filer=filer)
    area_request_run("return", actor=zone_people["province"], request_id=req.pk, data={"reason": "请补充四至范围图"})
    body = login(client, filer).get(reverse("zones:area_request", args=[req.pk])).content.decode()
    assert 'data-testid="return-reason">退回原因：请补充四至范围图<' in body


def test_the_detail_reads_a_constant_number_of_queries(client, zones, zone_people, django_assert_max_num_queries):
    filer = zone_people["committee"]
    req = make(zones["shenyang"], filer=filer)
    c = login(client, zone_people["office"])
    url = reverse("zones:area_request", args=[req.pk])
    c.get(url)
    with django_assert_max_num_queries(20) as few:
        c.get(url)
    for _ in range(4):
        area_request_run("submit", actor=filer, request_id=req.pk)
        area_request_run("return", actor=zone_people["province"], request_id=req.pk, data={"reason": "补充材料"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).content.decode().count("省级退回修改") >= 4


def test_file_a_request_through_the_form(client, zones, zone_people):
    zone = zones["shenyang"]
    ZoneYear.objects.create(zone=zone, year=2025, planned_area=Decimal("30.00"))
    c = login(client, zone_people["committee"])
    url = reverse("zones:area_request_create", args=[zone.pk])
    r = c.get(url)
    assert r.status_code == 200 and 'value="30.00"' in r.content.decode()  # the planned area, offered
    data = {"title": "浑南扩区", "current_area": "", "requested_area": "36", "area_innovation": "10",
            "area_incubation": "6", "area_industrialisation": "19", "justification": "用地饱和"}  # fmt: skip
    r = c.post(url, data)
    assert r.status_code == 422 and "应等于申请面积" in r.content.decode()
    r = c.post(url, {**data, "area_industrialisation": "20"})
    req = AreaRequest.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("zones:area_request", args=[req.pk])
    assert (req.current_area, req.requested_area, req.status) == (Decimal("30.00"), Decimal("36.00"), S.DRAFT)


@pytest.mark.parametrize("who", ["member", "other_committee", "province", "office"])
def test_only_the_zone_committee_may_open_the_form(client, zones, zone_people, who):
    url = reverse("zones:area_request_create", args=[zones["shenyang"].pk])
    assert login(client, zone_people[who]).get(url).status_code == 403


def test_edit_only_while_editable(client, zones, zone_people):
    req = make(zones["shenyang"], S.RETURNED, filer=zone_people["committee"])
    AreaRequest.objects.filter(pk=req.pk).update(status_note="请补充四至范围")
    c = login(client, zone_people["committee"])
    url = reverse("zones:area_request_edit", args=[req.pk])
    r = c.get(url)
    assert r.status_code == 200 and "请补充四至范围" in r.content.decode()
    data = {"title": "扩区申请（补充）", "current_area": "10", "requested_area": "12", "area_innovation": "7",
            "area_incubation": "5", "area_industrialisation": "0", "location": "东至浑河", "justification": "理由"}  # fmt: skip
    assert c.post(url, data).status_code == 302
    req.refresh_from_db()
    assert (req.title, req.location) == ("扩区申请（补充）", "东至浑河")
    AreaRequest.objects.filter(pk=req.pk).update(status=S.SUBMITTED)
    r = c.get(url)
    assert r.status_code == 302 and r["Location"] == reverse("zones:area_request", args=[req.pk])
    assert login(client, zone_people["province"]).get(url).status_code == 403


def test_the_steps_through_the_web(client, zones, zone_people):
    filer = zone_people["committee"]
    req = make(zones["shenyang"], filer=filer)
    page = reverse("zones:area_request", args=[req.pk])
    r = login(client, filer).post(reverse("zones:area_request_submit", args=[req.pk]), follow=True)
    assert "等待省级意见" in r.content.decode()
    c = login(client, zone_people["province"])
    # the opinion is required: back with the reason, nothing changed
    r = c.post(reverse("zones:area_request_endorse", args=[req.pk]), {"province_supports": "true"}, follow=True)
    assert "请填写省级意见" in r.content.decode()
    req.refresh_from_db()
    assert req.status == S.SUBMITTED
    r = c.post(reverse("zones:area_request_endorse", args=[req.pk]),
               {"province_supports": "true", "province_opinion": "同意"})  # fmt: skip
    assert r.status_code == 302 and r["Location"] == page
    # a step out of order is refused with a message, not an error page
    r = c.post(reverse("zones:area_request_return", args=[req.pk]), {"reason": "补充"}, follow=True)
    assert r.status_code == 200 and "不能退回修改" in r.content.decode()
    c = login(client, zone_people["office"])
    r = c.post(reverse("zones:area_request_approve", args=[req.pk]), {"approved_area": "12", "decision_note": "同意"})
    req.refresh_from_db()
    assert (req.status, req.approved_area) == (S.APPROVED, Decimal("12.00"))
    # another province's department may not take a step
    other = make(zones["shenyang"], S.SUBMITTED)
    r = login(client, zone_people["jilin"]).post(reverse("zones:area_request_return", args=[other.pk]), {"reason": "x"})
    assert r.status_code == 403


def test_the_list_offers_a_new_request_to_the_zone_committee_only(client, zones, zone_people):
    url = reverse("zones:area_request_list")
    new = reverse("zones:area_request_create", args=[zones["shenyang"].pk])
    for who in ("committee", "member", "province", "office"):
        body = login(client, zone_people[who]).get(url).content.decode()
        assert (f'href="{new}"' in body) == (who == "committee"), who
    body = login(client, zone_people["committee"]).get(url).content.decode()
    assert 'data-testid="zones-subnav"' in body  # the zones' sub-navigation, with this page in it


@pytest.mark.parametrize(
    "data,message",
    [
        ({"approved_area": "abc", "decision_note": "同意"}, "面积格式有误"),
        ({"approved_area": "99999", "decision_note": "同意"}, "不超过 10000"),
        ({"approved_area": "12", "decision_note": "同意\x01"}, "控制字符"),
        ({"approved_area": "12"}, "请填写批复意见"),
    ],
)
def test_hostile_step_input_on_the_web_is_a_message(client, zones, zone_people, data, message):
    req = make(zones["shenyang"], S.ENDORSED)
    r = login(client, zone_people["office"]).post(
        reverse("zones:area_request_approve", args=[req.pk]), data, follow=True
    )
    assert r.status_code == 200 and message in r.content.decode()
    req.refresh_from_db()
    assert req.status == S.ENDORSED and req.approved_area is None


def test_the_list_counts_what_awaits_whom(client, zones, zone_people):
    make(zones["shenyang"], S.SUBMITTED)
    make(zones["shenyang"], S.ENDORSED)
    make(zones["changchun"], S.ENDORSED)
    body = login(client, zone_people["province"]).get(reverse("zones:area_request_list")).content.decode()
    counts = body[body.index('data-testid="area-request-counts"') :].split("</div>")[0]
    assert "已提交 1" in counts and "省级已出具意见 1" in counts and "草稿" not in counts
