"""Login with throttling, API tokens, and their audit trail."""

from datetime import timedelta

import pytest
from django.utils import timezone

from nesta.accounts.models import ApiToken, LoginAttempt
from nesta.accounts.services import _hash, api_token_create, api_token_user, user_authenticate
from nesta.core.errors import NotAuthenticated, RateLimited
from nesta.core.models import AuditLog
from tests.factories import UserFactory

PASSWORD = "pass-2026-x"  # the factories' password


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def max_failures(settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 900
    return 3


def _fail(username="alice", ip="10.0.0.1", password="wrong-password"):
    with pytest.raises(NotAuthenticated) as exc:
        user_authenticate(username=username, password=password, ip=ip)
    assert (exc.value.status, exc.value.code) == (401, "invalid_credentials")


# --- login ---------------------------------------------------------------------------------------


def test_login_succeeds_and_is_audited(alice):
    assert user_authenticate(username="alice", password=PASSWORD, ip="10.0.0.1") == alice
    log = AuditLog.objects.get()
    assert (log.actor, log.actor_repr, log.action, log.object_type, log.object_id) == (
        alice,
        "alice",
        "user.login",
        "accounts.user",
        str(alice.pk),
    )


def test_username_is_trimmed(alice):
    assert user_authenticate(username="  alice ", password=PASSWORD) == alice


def test_failed_login_is_recorded_and_audited(alice):
    _fail()
    attempt = LoginAttempt.objects.get()
    assert (attempt.username, attempt.ip) == ("alice", "10.0.0.1")
    log = AuditLog.objects.get()
    assert (log.actor, log.actor_repr, log.action, log.object_type, log.object_id, log.object_repr) == (
        None,
        "",
        "user.login_failed",
        "accounts.user",
        "",
        "alice",
    )


@pytest.mark.parametrize(
    "username,password",
    [("alice", ""), ("alice", None), ("nobody", PASSWORD), ("", PASSWORD), ("ALICE", PASSWORD)],
)
def test_bad_credentials(alice, username, password):
    with pytest.raises(NotAuthenticated) as exc:
        user_authenticate(username=username, password=password)
    assert exc.value.code == "invalid_credentials"
    assert AuditLog.objects.get().action == "user.login_failed"


def test_inactive_user_cannot_log_in(alice):
    alice.is_active = False
    alice.save()
    _fail(password=PASSWORD)


def test_throttling_locks_the_username(alice, max_failures):
    for _ in range(max_failures):
        _fail()
    assert LoginAttempt.objects.count() == max_failures
    audit_rows = AuditLog.objects.count()
    # Now even the right password is refused, from any address, without a new attempt row.
    for ip in ("10.0.0.1", "192.168.1.9", None):
        with pytest.raises(RateLimited) as exc:
            user_authenticate(username="alice", password=PASSWORD, ip=ip)
        assert (exc.value.status, exc.value.code) == (429, "too_many_attempts")
        assert exc.value.details == {"retry_after": 900}
    assert LoginAttempt.objects.count() == max_failures
    assert AuditLog.objects.count() == audit_rows
    # Other usernames are not affected.
    bob = UserFactory(username="bob")
    assert user_authenticate(username="bob", password=PASSWORD, ip="10.0.0.2") == bob


def test_one_failure_short_of_the_limit_still_logs_in(alice, max_failures):
    for _ in range(max_failures - 1):
        _fail()
    assert user_authenticate(username="alice", password=PASSWORD) == alice


def test_success_resets_the_count(alice, max_failures):
    for _ in range(max_failures - 1):
        _fail()
    user_authenticate(username="alice", password=PASSWORD)
    assert LoginAttempt.objects.filter(username="alice").count() == 0
    for _ in range(max_failures - 1):
        _fail()
    assert user_authenticate(username="alice", password=PASSWORD) == alice


def test_failures_outside_the_window_do_not_count(alice, max_failures):
    for _ in range(max_failures):
        _fail()
    LoginAttempt.objects.update(created_at=timezone.now() - timedelta(seconds=901))
    assert user_authenticate(username="alice", password=PASSWORD) == alice


def test_throttling_by_address(alice, max_failures):
    """An address gets four times the tries of one username (an office NAT serves many people)."""
    for i in range(4 * max_failures - 1):
        _fail(username=f"guess{i}", ip="10.9.9.9")
    assert user_authenticate(username="alice", password=PASSWORD, ip="10.9.9.9") == alice
    _fail(username="guess-last", ip="10.9.9.9")
    with pytest.raises(RateLimited):
        user_authenticate(username="alice", password=PASSWORD, ip="10.9.9.9")
    assert user_authenticate(username="alice", password=PASSWORD, ip="10.9.9.10") == alice


# --- API tokens ----------------------------------------------------------------------------------


def test_token_is_stored_only_as_a_hash(alice, settings):
    key = api_token_create(user=alice)
    token = ApiToken.objects.get()
    assert len(key) >= 40
    assert token.key_hash == _hash(key) and len(token.key_hash) == 64
    assert key not in token.key_hash
    assert token.prefix == key[:8]
    expected_expiry = timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS)
    assert abs((token.expires_at - expected_expiry).total_seconds()) < 5


def test_token_creation_is_audited_without_the_key(alice):
    key = api_token_create(user=alice)
    token = ApiToken.objects.get()
    log = AuditLog.objects.get()
    assert (log.actor, log.action, log.object_type, log.object_id) == (
        alice,
        "apitoken.created",
        "accounts.apitoken",
        str(token.pk),
    )
    assert log.changes == {"prefix": [None, key[:8]], "expires_at": [None, token.expires_at.isoformat()]}
    assert key not in str(log.changes) and key not in log.object_repr
    api_token_user(key=key)
    assert AuditLog.objects.count() == 1  # using a token is not a write worth a row


def test_token_resolves_to_its_user_and_marks_use(alice):
    key = api_token_create(user=alice)
    assert ApiToken.objects.get().last_used_at is None
    assert api_token_user(key=key) == alice
    assert ApiToken.objects.get().last_used_at is not None


def test_each_token_is_different(alice):
    keys = {api_token_create(user=alice) for _ in range(3)}
    assert len(keys) == 3
    assert all(api_token_user(key=k) == alice for k in keys)


@pytest.mark.parametrize("key", ["", None, "nonsense", "x" * 43])
def test_unknown_token(alice, key):
    api_token_create(user=alice)
    assert api_token_user(key=key) is None


def test_expired_token(alice):
    key = api_token_create(user=alice)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_token_user(key=key) is None


def test_token_of_inactive_user(alice):
    key = api_token_create(user=alice)
    alice.is_active = False
    alice.save()
    assert api_token_user(key=key) is None


def test_token_use_is_written_at_most_every_five_minutes(alice, django_assert_num_queries):
    key = api_token_create(user=alice)
    api_token_user(key=key)
    with django_assert_num_queries(1):  # the lookup only, no update
        assert api_token_user(key=key) == alice
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=6))
    with django_assert_num_queries(2):
        assert api_token_user(key=key) == alice


# --- role grants -----------------------------------------------------------------------------------


def test_a_new_grant_takes_effect_on_the_same_user_object(users, org_jl):
    from nesta.accounts.services import role_grant
    from nesta.core.permissions import can

    member = users["member"]
    assert not can(member, "organization.change", org_jl)  # reads (and caches) the grants
    role_grant(actor=users["office"], user=member, role="org_admin", organization=org_jl)
    assert can(member, "organization.change", org_jl)
