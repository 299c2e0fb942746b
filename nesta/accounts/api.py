"""Token login, "who am I", password change and the caller's API tokens over the API."""

from datetime import datetime

from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest
from ninja import Path, Router, Schema
from ninja.responses import Status
from pydantic import Field

from nesta.accounts import selectors, services
from nesta.core.api_auth import api_user_required, bearer_key, login_required
from nesta.core.permissions import grants_of
from nesta.core.schemas import ErrorOut

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=256)


class TokenOut(Schema):
    token: str
    expires_in_days: int


class GrantOut(Schema):
    role: str
    province: str | None
    organization_id: int | None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    organization_id: int | None
    roles: list[GrantOut]


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@router.post(
    "/token", response={200: TokenOut, 401: ErrorOut, 429: ErrorOut}, auth=None, summary="用户名密码换取访问令牌"
)
def create_token(request: HttpRequest, payload: TokenIn):
    from django.conf import settings

    user = services.user_authenticate(username=payload.username, password=payload.password, ip=client_ip(request))
    return {"token": services.api_token_create(user=user), "expires_in_days": settings.API_TOKEN_TTL_DAYS}


@router.get("/me", response={200: MeOut, 401: ErrorOut}, auth=login_required, summary="当前用户及其角色")
def me(request: HttpRequest):
    user = api_user_required(request)
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "organization_id": user.organization_id,
        "roles": [
            {"role": g.role, "province": g.province_code, "organization_id": g.organization_id} for g in grants_of(user)
        ],
    }


class PasswordChangeIn(Schema):
    current_password: str = Field(..., max_length=256)
    new_password: str = Field(..., min_length=1, max_length=256)


class PasswordChangeOut(Schema):
    revoked_tokens: int = Field(..., description="这次吊销的其他访问令牌数（当前令牌保留）")


class ApiTokenOut(Schema):
    id: int
    prefix: str = Field(..., description="令牌的前 8 个字符（完整令牌从不保存）")
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    current: bool = Field(..., description="是否为本次请求所用的令牌")


class ApiTokenList(Schema):
    items: list[ApiTokenOut]


@router.post(
    "/password",
    response={200: PasswordChangeOut, 401: ErrorOut, 403: ErrorOut, 415: ErrorOut, 422: ErrorOut},
    summary="修改密码（其他访问令牌与会话随之失效）",
)
def change_password(request: HttpRequest, payload: PasswordChangeIn):
    user = api_user_required(request)
    revoked = services.user_password_change(
        actor=user,
        current_password=payload.current_password,
        new_password=payload.new_password,
        keep_token_key=bearer_key(request),
    )
    if not bearer_key(request) and hasattr(request, "session"):
        update_session_auth_hash(request, user)  # this browser session stays signed in
    return {"revoked_tokens": revoked}


@router.get("/tokens", response={200: ApiTokenList, 401: ErrorOut}, auth=login_required, summary="我的访问令牌")
def list_tokens(request: HttpRequest):
    user = api_user_required(request)
    current = selectors.api_token_id_for_key(user=user, key=bearer_key(request))
    return {
        "items": [
            {
                "id": t.pk,
                "prefix": t.prefix,
                "created_at": t.created_at,
                "expires_at": t.expires_at,
                "last_used_at": t.last_used_at,
                "current": t.pk == current,
            }
            for t in selectors.api_token_list(user=user)
        ]
    }


@router.delete(
    "/tokens/{token_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="吊销一个访问令牌",
)
def revoke_token(request: HttpRequest, token_id: int = Path(..., ge=1, le=2**63 - 1)):
    services.api_token_revoke(actor=api_user_required(request), token_id=token_id)
    return Status(204, None)
