"""What an application must satisfy to be submitted (the lifecycle's guard on `submit`)."""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.errors import DomainError, ValidationFailed
from nesta.programmes.models import Application, CallStatus


def submission_error(app: Application, now: datetime | None = None) -> DomainError | None:
    """The first reason `app` may not be submitted now, or None."""
    now = now or timezone.now()
    call = app.call
    if call.status != CallStatus.OPEN or not call.opens_at <= now <= call.closes_at:
        return ValidationFailed({"call": [_("该指南当前不在受理期内。")]}, code="call_not_open")
    errors: dict[str, Any] = {}
    if app.requested_amount > call.max_request:
        errors["requested_amount"] = [_("申请资助超过指南规定的单项上限。")]
    if errors:
        return ValidationFailed(errors, code="application_incomplete")
    return None
