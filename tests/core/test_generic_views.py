"""The generic service-backed views (nesta.core.generic), through the real directory pages that
are built on them, and the download helper's Content-Disposition."""

import pytest
from django.test import Client

from nesta.core.generic import FAILED_POST_STATUS
from nesta.core.generic.download import ascii_fallback, content_disposition, file_download
from nesta.directory.models import Organization
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def client_of(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def org_post(**overrides):
    data = {"name": "通用视图测试研究院", "kind": "research_institute", "province": "210000", "is_active": "on"}
    data.update(overrides)
    return data


def text(response) -> str:
    return response.content.decode()


# --- the form view --------------------------------------------------------------------------------


def test_failed_post_status_is_one_number_and_422():
    assert FAILED_POST_STATUS == 422


def test_form_view_puts_validation_failed_details_on_their_fields(users):
    """The service (not the form) refuses a city outside the province: its ValidationFailed
    details {city: [...]} land beside the city field, and the POST answers FAILED_POST_STATUS."""
    r = client_of(users["office"]).post("/directory/organizations/new/", org_post(city="220100"))
    assert r.status_code == FAILED_POST_STATUS
    form = r.context["form"]
    assert form.errors["city"] == ["城市不属于所选省份。"]
    assert "城市不属于所选省份。" in text(r)
    assert not Organization.objects.filter(name="通用视图测试研究院").exists()


def test_form_view_conflict_lands_on_the_aliased_field(users, org_ln):
    """A duplicate USCC (the service's Conflict duplicate_uscc, or the unique check) is an error of
    the uscc field, with the same failed-POST status."""
    from nesta.directory.validators import make_uscc

    code = make_uscc("1", "2", "210100", "30812345")
    org_ln.uscc = code
    org_ln.save()
    r = client_of(users["office"]).post("/directory/organizations/new/", org_post(uscc=code))
    assert r.status_code == FAILED_POST_STATUS
    assert r.context["form"].errors["uscc"]


def test_form_view_success_redirects_with_a_message(users):
    c = client_of(users["office"])
    r = c.post("/directory/organizations/new/", org_post())
    org = Organization.objects.get(name="通用视图测试研究院")
    assert r.status_code == 302 and r["Location"] == f"/directory/organizations/{org.pk}/"
    assert "已创建机构" in text(c.get(r["Location"]))


def test_form_view_htmx_success_is_a_client_redirect(users):
    r = client_of(users["office"]).post("/directory/organizations/new/", org_post(), HTTP_HX_REQUEST="true")
    org = Organization.objects.get(name="通用视图测试研究院")
    assert r.status_code == 200 and r["HX-Redirect"] == f"/directory/organizations/{org.pk}/"


def test_form_view_permission_denied_is_the_403_page(users, org_jl):
    """Declared permission refused before the form (GET and POST), with the page's reason."""
    c = client_of(users["org_admin"])
    r = c.get(f"/directory/organizations/{org_jl.pk}/edit/")
    assert r.status_code == 403 and "无权访问" in text(r) and "您没有修改该机构的权限。" in text(r)
    r = c.post(f"/directory/organizations/{org_jl.pk}/edit/", org_post(name="改名"))
    assert r.status_code == 403
    org_jl.refresh_from_db()
    assert org_jl.name != "改名"


def test_form_view_service_permission_denied_is_the_403_page(users):
    """The page lets a provincial user in (organization.create), the service refuses another
    province: the service's PermissionDenied is the 403 page too, and nothing is saved."""
    r = client_of(users["province"]).post("/directory/organizations/new/", org_post(province="220000", city="220100"))
    assert r.status_code == 403
    assert not Organization.objects.filter(name="通用视图测试研究院").exists()


@pytest.mark.parametrize("path", ["/directory/organizations/new/", "/directory/people/new/"])
def test_form_view_sends_anonymous_users_to_login(reference, path):
    for response in (client_of().get(path), client_of().post(path, org_post())):
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path}"


def test_form_view_missing_object_is_404(users):
    r = client_of(users["office"]).get("/directory/organizations/999999/edit/")
    assert r.status_code == 404 and 'data-testid="error-404"' in text(r)


# --- the detail view ------------------------------------------------------------------------------


def test_detail_view_404_for_a_missing_object(reference):
    r = client_of().get("/directory/people/999999/")
    assert r.status_code == 404 and 'data-testid="error-404"' in text(r)


# --- the list view --------------------------------------------------------------------------------


def test_list_view_pages_with_the_cursor_and_answers_htmx_with_the_results_only(reference):
    for i in range(25):
        OrganizationFactory(name=f"分页测试机构{i:02d}", province_code="230000")
    c = client_of()
    first = c.get("/directory/organizations/", {"province": "230000"})
    assert first.status_code == 200 and first.context["paged"] is False
    page = first.context["page"]
    assert len(page.items) == 20 and page.next_cursor
    html = text(first)
    assert "<html" in html and 'rel="next"' in html and f"cursor={page.next_cursor}" in html
    assert "province=230000" in html.split('rel="next"')[1].split(">")[0]  # the filters stay in the link

    second = c.get(
        "/directory/organizations/", {"province": "230000", "cursor": page.next_cursor}, HTTP_HX_REQUEST="true"
    )
    assert second.status_code == 200 and second.context["paged"] is True
    rest = second.context["page"]
    total = Organization.objects.filter(province__code="230000").count()
    assert len(rest.items) == total - 20 and rest.next_cursor is None
    assert not {o.pk for o in page.items} & {o.pk for o in rest.items}
    partial = text(second)
    assert "<html" not in partial and "第一页" in partial and 'rel="next"' not in partial
    assert "HX-Request" in second["Vary"]


def test_list_view_bad_cursor_is_the_400_page(reference):
    r = client_of().get("/directory/people/", {"cursor": "!!not-a-cursor"})
    assert r.status_code == 400


# --- the download helper --------------------------------------------------------------------------


def test_download_chinese_name_has_ascii_fallback_and_rfc5987_name():
    name = "机构名录-2026.xlsx"
    r = file_download(b"PK", filename=name, content_type="application/octet-stream")
    assert r["Content-Disposition"] == (
        "attachment; filename=\"2026.xlsx\"; filename*=UTF-8''%E6%9C%BA%E6%9E%84%E5%90%8D%E5%BD%95-2026.xlsx"
    )
    assert r.content == b"PK"


def test_download_only_chinese_name_falls_back_to_download():
    assert ascii_fallback("仪器清单.xlsx") == "download.xlsx"
    header = content_disposition("仪器清单.xlsx", fallback="instruments.xlsx")
    assert header.startswith("attachment; filename=\"instruments.xlsx\"; filename*=UTF-8''")


def test_download_ascii_name_is_plain():
    r = file_download(b"BEGIN:VCALENDAR", filename="bookings.ics", private=True)
    assert r["Content-Disposition"] == 'attachment; filename="bookings.ics"'
    assert r["Content-Type"] == "text/calendar"
    assert r["Cache-Control"] == "private, no-store"


def test_download_header_cannot_be_split_or_quoted_open():
    header = content_disposition('a"b\r\nSet-Cookie: x.xlsx')
    assert "\r" not in header and "\n" not in header
    fallback = header.split('filename="')[1].split('"')[0]
    assert '"' not in fallback and fallback.endswith(".xlsx")


def test_web_xlsx_download_uses_the_helper(reference):
    """The openness ranking download of the web pages: Chinese name, ASCII fallback."""
    r = client_of().get("/instruments/openness/ranking.xlsx")
    assert r.status_code == 200
    disposition = r["Content-Disposition"]
    assert disposition.startswith('attachment; filename="openness-ranking-') and "filename*=UTF-8''" in disposition


def test_a_refused_steps_text_includes_lazy_field_messages():
    from django.utils.translation import gettext_lazy

    from nesta.core.errors import Conflict, ValidationFailed
    from nesta.core.generic.transition import error_text

    lazy = ValidationFailed(
        "提交的数据未通过校验。", details={"reason": [gettext_lazy("不能包含控制字符。")], "n": [3]}
    )
    assert error_text(lazy) == "不能包含控制字符。"
    plain = ValidationFailed("x", details={"a": ["一"], "b": ["二"]})
    assert error_text(plain) == "一；二"
    assert error_text(Conflict("状态不允许。", details={"current": "draft"})) == "状态不允许。"
