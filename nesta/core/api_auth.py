"""Who is calling: a Bearer token, else the browser session (with its CSRF check)."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.utils import check_csrf

from nesta.core.errors import NotAuthenticated, PermissionDenied
from nesta.core.registry import registry

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def api_user(request: HttpRequest) -> Any:
    """The calling user (AnonymousUser when none). A bad token is an error, not anonymity."""
    cached = getattr(request, "_api_user", None)
    if cached is not None:
        return cached
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        scheme, _sep, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise NotAuthenticated(_("Authorization 头应为 “Bearer <令牌>”。"), code="invalid_token")
        # the accounts app registers how a token becomes a user (core knows no app)
        user = registry.user_for_token(key.strip())
        if user is None:
            raise NotAuthenticated(_("访问令牌无效或已过期。"), code="invalid_token")
    else:
        user = getattr(request, "user", None) or AnonymousUser()
        if user.is_authenticated and request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise PermissionDenied(_("CSRF 校验失败。"), code="csrf_failed")
    request._api_user = user
    return user


def bearer_key(request: HttpRequest) -> str | None:
    """The Bearer token the request was authenticated with, if any."""
    scheme, _sep, key = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return key.strip() or None if scheme.lower() == "bearer" else None


def api_user_required(request: HttpRequest) -> Any:
    user = api_user(request)
    if not user.is_authenticated:
        raise NotAuthenticated()
    return user


class ApiCaller:
    """ninja's auth hook for every operation: it runs before the path, query and body are
    parsed, so an anonymous caller of a login-required endpoint gets 401, never a 422 that
    describes the fields. Writes (any method but GET/HEAD/OPTIONS) require login unless the
    operation says ``auth=None``; reads are open unless the operation says
    ``auth=login_required``. The user is returned (ninja stores it as ``request.auth``)."""

    def __init__(self, *, required: bool | None = None):
        self.required = required  # None: by method

    def __call__(self, request: HttpRequest) -> Any:
        user = api_user(request)
        required = self.required if self.required is not None else request.method not in SAFE_METHODS
        if required and not user.is_authenticated:
            raise NotAuthenticated()
        return user


caller = ApiCaller()
login_required = ApiCaller(required=True)
