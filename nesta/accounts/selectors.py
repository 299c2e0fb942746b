"""Reads about users' credentials."""

from django.db.models import QuerySet

from nesta.accounts.models import ApiToken, User


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first (never the key: only its hash is stored)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def api_token_id_for_key(*, user: User, key: str | None) -> int | None:
    if not key:
        return None
    from nesta.accounts.services import _hash

    return ApiToken.objects.filter(user=user, key_hash=_hash(key)).values_list("pk", flat=True).first()
