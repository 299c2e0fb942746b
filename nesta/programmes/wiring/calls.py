"""How the calls part of the programmes plugs into the platform registry: the nav item 重点项目
(the call list at /projects/) and the job closing calls whose closing time has passed."""

from typing import Any

from django.utils.translation import gettext_lazy as _


def _close_due(*args: Any, **kwargs: Any) -> int:
    from nesta.programmes.services.calls import calls_close_due

    return calls_close_due()


def register(registry: Any) -> None:
    registry.nav_item("programmes", _("重点项目"), "programmes:call_list", "/projects/", order=70)
    registry.periodic_job("programmes.close_calls", _close_due, every_seconds=600)
