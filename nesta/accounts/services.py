"""Writes about users: login (with throttling), API tokens, role grants, password change and reset."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nesta.accounts.models import ApiToken, LoginAttempt, RoleAssignment, User
from nesta.core.audit import audit_record
from nesta.core.errors import NotAuthenticated, NotFound, RateLimited, ValidationFailed, validation_details
from nesta.core.models import Region
from nesta.core.permissions import ORGANIZATION_ROLES, Role, Target, require
from nesta.core.transactions import write_transaction


def _recent_failures(*, username: str, ip: str | None) -> int:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    by_user = LoginAttempt.objects.filter(username=username, created_at__gte=since).count()
    by_ip = LoginAttempt.objects.filter(ip=ip, created_at__gte=since).count() if ip else 0
    # An address gets more tries than one username: an office NAT serves many people.
    return max(by_user, by_ip // 4)


def _login_attempt_reserve(*, username: str, ip: str | None) -> None:
    """Count the recent failures and record this attempt in one transaction that holds a lock for
    the username (SQLite: the write lock of BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so
    parallel guesses cannot all pass the count before any is recorded. The row is the failure
    record if the password is wrong; a success deletes it with the others."""
    with write_transaction():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["nesta.login:" + username])
        if _recent_failures(username=username, ip=ip) >= settings.LOGIN_MAX_FAILURES:
            raise RateLimited(details={"retry_after": settings.LOGIN_FAILURE_WINDOW_SECONDS})
        LoginAttempt.objects.create(username=username, ip=ip)


def user_authenticate(*, username: str, password: str, ip: str | None = None) -> User:
    """Check credentials; too many recent failures lock the username (and the address)."""
    username = (username or "").strip()[:150]
    _login_attempt_reserve(username=username, ip=ip)
    user = authenticate(username=username, password=password or "")
    if user is None:
        with write_transaction():
            audit_record(actor=None, action="user.login_failed", object_type="accounts.user", object_repr=username)
        raise NotAuthenticated(_("用户名或密码不正确。"), code="invalid_credentials")
    with write_transaction():
        LoginAttempt.objects.filter(username=username).delete()
        audit_record(actor=user, action="user.login", instance=user)
    return user


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user: User) -> str:
    """A new bearer token; the plain key is returned once and never stored."""
    key = secrets.token_urlsafe(32)
    with write_transaction():
        token = ApiToken.objects.create(
            user=user,
            key_hash=_hash(key),
            prefix=key[:8],
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
        )
        # A new credential is a write like any other: audited (prefix and expiry only, never the key).
        audit_record(
            actor=user,
            action="apitoken.created",
            instance=token,
            changes={"prefix": [None, token.prefix], "expires_at": [None, token.expires_at.isoformat()]},
        )
    return key


def api_token_user(*, key: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key or "")).first()
    if token is None or token.expires_at < timezone.now() or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _role_scope_errors(role: str, province: Region | None, organization: Any) -> dict[str, list[str]]:
    """The check constraint role_scope_matches, with messages a person can act on."""
    errors: dict[str, list[str]] = {}
    if role == Role.PROVINCE:
        if province is None:
            errors["province"] = [str(_("省科技厅角色须指定省份。"))]
        if organization is not None:
            errors["organization"] = [str(_("省科技厅角色不能指定机构。"))]
    elif role in ORGANIZATION_ROLES:
        if organization is None:
            errors["organization"] = [str(_("该角色须指定所属机构。"))]
    elif role in (Role.OFFICE, Role.EXPERT, Role.FINANCE):
        if province is not None:
            errors["province"] = [str(_("该角色不限定省份。"))]
        if organization is not None:
            errors["organization"] = [str(_("该角色不限定机构。"))]
    return errors


def _grant_target(role: str, province: Region | None, organization: Any) -> Target:
    """Where a grant takes effect: its province, its organisation, or the whole region."""
    if role == Role.PROVINCE and province is not None:
        return Target(province_code=province.code)
    if organization is not None:
        return organization.permission_target()
    return Target()


@write_transaction()
def role_grant(
    *, actor: Any, user: User, role: str, province: Region | None = None, organization: Any = None
) -> RoleAssignment:
    if not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated()
    scope_errors = _role_scope_errors(role, province, organization)
    if scope_errors:
        raise ValidationFailed(details=scope_errors)
    if role in Role.values:  # an unknown role is a validation error (full_clean below), not a KeyError
        require(actor, f"role.grant.{role}", _grant_target(role, province, organization))
    assignment = RoleAssignment(user=user, role=role, province=province, organization=organization)
    try:
        assignment.full_clean(validate_constraints=True)
    except Exception as exc:  # django ValidationError
        raise ValidationFailed(details=validation_details(exc)) from exc
    assignment.save()
    user.__dict__.pop("_nesta_grants", None)  # permissions.grants_of caches them on the user object
    audit_record(actor=actor, action="role.granted", instance=assignment, changes={"role": [None, role]})
    return assignment


# --- credentials: password change and reset, token revocation ----------------------------------------


def _password_store(*, user: User, new_password: str, keep_token_key: str | None, actor: Any, event: str) -> int:
    """Set the password and revoke every API token but the caller's own; returns how many went.
    Other sessions end by themselves: Django ties a session to the password hash."""
    user.set_password(new_password)
    with write_transaction():
        user.save(update_fields=["password"])
        tokens = ApiToken.objects.filter(user=user)
        if keep_token_key:
            tokens = tokens.exclude(key_hash=_hash(keep_token_key))
        revoked, _per_model = tokens.delete()
        audit_record(actor=actor, action=event, instance=user, changes={"revoked_tokens": [None, revoked]})
    return revoked


def user_password_change(
    *, actor: Any, current_password: str, new_password: str, keep_token_key: str | None = None
) -> int:
    """The signed-in user changes their own password (the current one must be right)."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated()
    errors: dict[str, list[str]] = {}
    if not actor.check_password(current_password or ""):
        errors["current_password"] = [str(_("当前密码不正确。"))]
    try:
        validate_password(new_password, user=actor)
    except DjangoValidationError as exc:
        errors["new_password"] = [str(m) for m in exc.messages]
    if errors:
        raise ValidationFailed(details=errors)
    return _password_store(
        user=actor, new_password=new_password, keep_token_key=keep_token_key, actor=actor, event="user.password_changed"
    )


def user_password_reset(*, user: User, new_password: str) -> int:
    """A password set through an e-mailed reset link (Django checked the token): every token goes."""
    try:
        validate_password(new_password, user=user)
    except DjangoValidationError as exc:
        raise ValidationFailed(details={"new_password": [str(m) for m in exc.messages]}) from exc
    return _password_store(
        user=user, new_password=new_password, keep_token_key=None, actor=user, event="user.password_reset"
    )


def api_token_revoke(*, actor: Any, token_id: int) -> None:
    """A user revokes one of their own tokens; someone else's is not found."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated()
    with write_transaction():
        token = ApiToken.objects.filter(pk=token_id, user=actor).first()
        if token is None:
            raise NotFound()
        audit_record(actor=actor, action="token.revoked", instance=token, changes={"prefix": [token.prefix, None]})
        token.delete()
