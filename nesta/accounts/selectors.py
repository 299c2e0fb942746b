"""Reads about users' credentials and roles."""

from django.db.models import QuerySet

from nesta.accounts.models import ApiToken, User
from nesta.core.permissions import Role

HOLDERS_MAX = 200  # a workflow's notice goes to a department's staff, not to a mailing list


def role_holders(*, role: Role | str, province_code: str | None = None) -> list[User]:
    """The active users holding `role` (for a province role, in that province): whom a workflow
    tells that a step now waits for them. At most HOLDERS_MAX, in a stable order."""
    qs = User.objects.filter(is_active=True, role_assignments__role=role)
    if province_code is not None:
        qs = qs.filter(role_assignments__province__code=province_code)
    return list(qs.distinct().order_by("pk")[:HOLDERS_MAX])


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first (never the key: only its hash is stored)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def api_token_id_for_key(*, user: User, key: str | None) -> int | None:
    if not key:
        return None
    from nesta.accounts.services import _hash

    return ApiToken.objects.filter(user=user, key_hash=_hash(key)).values_list("pk", flat=True).first()
