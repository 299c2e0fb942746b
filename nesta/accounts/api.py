"""Token login and "who am I" over the API."""

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from nesta.accounts import services
from nesta.core.api_auth import api_user_required, login_required
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
