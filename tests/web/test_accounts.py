"""Sign-in through accounts.services.user_authenticate: success, failure, throttling; sign-out."""

import pytest
from django.conf import settings

from tests.web.conftest import text

pytestmark = pytest.mark.django_db

PASSWORD = "pass-2026-x"  # tests.factories.UserFactory


def test_login_page_renders(client, reference):
    r = client.get("/accounts/login/")
    assert r.status_code == 200
    assert "用户登录" in text(r) and 'name="password"' in text(r)


def test_login_success_redirects_and_shows_name_and_roles(client, users):
    from nesta.core.models import AuditLog

    r = client.post("/accounts/login/", {"username": "t_province", "password": PASSWORD, "next": "/directory/zones/"})
    assert r.status_code == 302 and r["Location"] == "/directory/zones/"
    html = text(client.get("/"))
    assert str(users["province"]) in html
    assert "省科技厅（辽宁省）" in html
    assert "退出登录" in html
    assert AuditLog.objects.filter(action="user.login", actor=users["province"]).exists()


def test_login_ignores_unsafe_next(client, users):
    r = client.post("/accounts/login/", {"username": "t_office", "password": PASSWORD, "next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == "/"


def test_wrong_password_shows_chinese_error(client, users):
    from nesta.core.models import AuditLog

    r = client.post("/accounts/login/", {"username": "t_office", "password": "wrong"})
    assert r.status_code == 200
    assert "用户名或密码不正确" in text(r)
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="user.login_failed", object_repr="t_office").exists()


def test_empty_form_shows_field_errors(client, reference):
    r = client.post("/accounts/login/", {"username": "", "password": ""})
    assert r.status_code == 200
    assert "这个字段是必填项" in text(r)


def test_rate_limited_after_too_many_failures(client, users):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/accounts/login/", {"username": "t_office", "password": "wrong"})
    r = client.post("/accounts/login/", {"username": "t_office", "password": PASSWORD})
    assert r.status_code == 429
    assert "登录失败次数过多" in text(r) and "分钟后再试" in text(r)
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(client, users):
    client.force_login(users["office"])
    assert client.get("/accounts/logout/").status_code == 405
    r = client.post("/accounts/logout/")
    assert r.status_code == 302
    assert "_auth_user_id" not in client.session
    assert "登录" in text(client.get("/"))
