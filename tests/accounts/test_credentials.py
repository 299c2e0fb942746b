"""Password change, password reset, API tokens listed and revoked (issue 7, C.15)."""

import json
import re

import pytest
from django.core import mail

from nesta.accounts.models import ApiToken
from nesta.accounts.services import api_token_create
from nesta.core.models import AuditLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-2026-x"
NEW = "Neue-Passw0rt-2026"


@pytest.fixture
def alice(reference):
    return UserFactory(username="alice", email="alice@example.cn")


def _auth(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post_json(client, url, data, **extra):
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)


# --- API -------------------------------------------------------------------------------------------


def test_password_change_over_the_api_revokes_the_other_tokens(client, alice):
    mine, other = api_token_create(user=alice), api_token_create(user=alice)
    r = post_json(client, "/api/v1/auth/password", {"current_password": PASSWORD, "new_password": NEW}, **_auth(mine))
    assert r.status_code == 200, r.content
    assert r.json()["revoked_tokens"] == 1
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    assert client.get("/api/v1/auth/me", **_auth(mine)).status_code == 200
    assert client.get("/api/v1/auth/me", **_auth(other)).status_code == 401
    assert AuditLog.objects.filter(action="user.password_changed", actor=alice).exists()


def test_password_change_needs_the_current_password_and_a_valid_new_one(client, alice):
    key = api_token_create(user=alice)
    r = post_json(client, "/api/v1/auth/password", {"current_password": "nope", "new_password": NEW}, **_auth(key))
    assert r.status_code == 422 and "current_password" in r.json()["details"]
    r = post_json(
        client, "/api/v1/auth/password", {"current_password": PASSWORD, "new_password": "short"}, **_auth(key)
    )
    assert r.status_code == 422 and "new_password" in r.json()["details"]
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_tokens_are_listed_and_revoked_only_by_their_owner(client, alice):
    key, second = api_token_create(user=alice), api_token_create(user=alice)
    body = client.get("/api/v1/auth/tokens", **_auth(key)).json()
    assert len(body["items"]) == 2
    assert sorted(t["current"] for t in body["items"]) == [False, True]
    assert all("key" not in t and "key_hash" not in t for t in body["items"])
    other_id = next(t["id"] for t in body["items"] if not t["current"])
    bob_key = api_token_create(user=UserFactory(username="bob"))
    assert client.delete(f"/api/v1/auth/tokens/{other_id}", **_auth(bob_key)).status_code == 404
    assert client.delete(f"/api/v1/auth/tokens/{other_id}", **_auth(key)).status_code == 204
    assert client.get("/api/v1/auth/me", **_auth(second)).status_code == 401
    assert AuditLog.objects.filter(action="token.revoked", actor=alice).count() == 1
    assert client.get("/api/v1/auth/tokens").status_code == 401


def test_tokens_are_stored_hashed(alice):
    key = api_token_create(user=alice)
    token = ApiToken.objects.get()
    assert key not in (token.key_hash, token.prefix) and len(token.key_hash) == 64


# --- web -------------------------------------------------------------------------------------------


def test_password_change_page_keeps_this_session_and_ends_the_others(client, alice):
    from django.test import Client

    other = Client()
    other.force_login(alice)
    key = api_token_create(user=alice)
    client.force_login(alice)
    assert "修改密码" in client.get("/accounts/password/").content.decode()
    r = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert r.status_code == 200
    assert r.wsgi_request.user.is_authenticated
    assert other.get("/accounts/password/").status_code == 302  # the other session is signed out
    assert not ApiToken.objects.filter(user=alice).exists()
    assert client.get("/api/v1/auth/me", **_auth(key)).status_code == 401
    assert AuditLog.objects.filter(action="user.password_changed").count() == 1


def test_password_change_page_with_a_wrong_password_changes_nothing(client, alice):
    client.force_login(alice)
    r = client.post("/accounts/password/", {"old_password": "x", "new_password1": NEW, "new_password2": NEW})
    assert r.status_code == 422
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_tokens_page_lists_and_revokes(client, alice):
    api_token_create(user=alice)
    client.force_login(alice)
    token = ApiToken.objects.get()
    page = client.get("/accounts/tokens/").content.decode()
    assert token.prefix in page
    r = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert r.status_code == 302
    assert not ApiToken.objects.exists()
    assert client.get("/accounts/tokens/").status_code == 200


def test_password_reset_by_email_in_chinese(client, alice):
    key = api_token_create(user=alice)
    r = client.post("/accounts/password/reset/", {"email": "alice@example.cn"})
    assert r.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "重置密码" in message.subject and message.to == ["alice@example.cn"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    r = client.get(link, follow=True)
    assert r.status_code == 200 and "设置新密码" in r.content.decode()
    r = client.post(r.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert r.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    assert client.get("/api/v1/auth/me", **_auth(key)).status_code == 401
    assert AuditLog.objects.filter(action="user.password_reset", object_id=str(alice.pk)).exists()


def test_password_reset_does_not_tell_whether_an_account_exists(client, alice):
    known = client.post("/accounts/password/reset/", {"email": "alice@example.cn"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.cn"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1
    done = client.get(known["Location"]).content.decode()
    assert "如果" in done
