"""Reads of training requests: one's own, an instrument's for its staff, and what the instrument
page shows the viewer (the 申请上机培训 button or where their request stands)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from nesta.core.pagination import Page, keyset_page
from nesta.instruments.models import Instrument, Qualification, TrainingRequest
from nesta.instruments.services.training import RENEW_WINDOW

T = TrainingRequest.Status


def _requests() -> Any:
    return TrainingRequest.objects.select_related("instrument__province", "user", "decided_by")


def request_of(*, request_id: int) -> TrainingRequest | None:
    return _requests().filter(pk=request_id).first()


def my_requests_page(*, user: Any, cursor: str | None, limit: int | None) -> Page[TrainingRequest]:
    return keyset_page(_requests().filter(user=user), cursor=cursor, limit=limit, newest_first=True)


def instrument_requests_page(
    *, instrument_id: int, cursor: str | None, limit: int | None, status: str | None = None, open_only: bool = False
) -> Page[TrainingRequest]:
    qs = _requests().filter(instrument_id=instrument_id)
    if status:
        qs = qs.filter(status=status)
    elif open_only:
        qs = qs.filter(status__in=TrainingRequest.OPEN)
    return keyset_page(qs, cursor=cursor, limit=limit, newest_first=True)


def open_requests(*, instrument_id: int, limit: int = 20) -> list[TrainingRequest]:
    """The open requests of an instrument, oldest first (the manage page's panel)."""
    qs = _requests().filter(instrument_id=instrument_id, status__in=TrainingRequest.OPEN).order_by("created_at", "id")
    return list(qs[:limit])


@dataclass
class TrainingState:
    required: bool  # the instrument asks for training
    qualified: bool  # a valid qualification now
    expires_at: datetime | None
    request: TrainingRequest | None  # the latest request
    may_request: bool  # the 申请上机培训 button


def training_state(*, instrument: Instrument, user: Any, now: datetime | None = None) -> TrainingState:
    """Two queries at most for a signed-in viewer of an instrument that requires training."""
    policy = getattr(instrument, "policy", None)
    required = bool(policy is not None and policy.requires_training)
    if not required or not getattr(user, "is_authenticated", False):
        return TrainingState(required, False, None, None, False)
    now = now or timezone.now()
    q = Qualification.objects.filter(instrument=instrument, user=user).first()
    qualified = q is not None and (q.expires_at is None or q.expires_at > now)
    renewable = q is None or (q.expires_at is not None and q.expires_at <= now + RENEW_WINDOW)
    latest = TrainingRequest.objects.filter(instrument=instrument, user=user).order_by("-created_at", "-id").first()
    is_open = latest is not None and latest.status in TrainingRequest.OPEN
    return TrainingState(required, qualified, q.expires_at if q else None, latest, renewable and not is_open)
