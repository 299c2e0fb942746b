"""In-app notifications with an e-mail copy; the mail leaves only after the transaction commits."""

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from nesta.core.models import Notification


def notify(*, user: Any, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    note = Notification.objects.create(user=user, kind=kind, title=title[:200], body=body, url=url[:300])
    email = getattr(user, "email", "")
    if email:
        transaction.on_commit(
            lambda: send_mail(
                title, f"{body}\n\n{url}".strip(), settings.DEFAULT_FROM_EMAIL, [email], fail_silently=True
            )
        )
    return note
