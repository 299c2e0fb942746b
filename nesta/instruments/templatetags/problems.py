"""The boxes other pages show about faults and downtime (`{% load problems %}`), so the instrument
page and the managers' page include them without their views knowing:

    {% problem_summary instrument %}   the instrument page: a shutdown in force, open reports, 报告故障
    {% manage_downtime instrument %}   the managers' page: shutdowns, maintenance series, their forms

Both read through selectors.problems (a constant number of queries); a failed form of the
managers' page comes back in the context as `shutdown_form` / `maintenance_form`."""

from typing import Any

from django import template
from django.utils import timezone

from nesta.instruments.forms.problems import MaintenanceForm, ShutdownForm
from nesta.instruments.selectors import problems as selectors
from nesta.instruments.services.problems import may_report

register = template.Library()


@register.inclusion_tag("instruments/_problem_summary.html", takes_context=True)
def problem_summary(context: Any, instrument: Any) -> dict[str, Any]:
    user = context["request"].user
    now = timezone.now()
    return {
        "instrument": instrument,
        "may_report": user.is_authenticated and may_report(user, instrument),
        "user": user,
        **selectors.page_summary(instrument=instrument, viewer=user, now=now),
    }


@register.inclusion_tag("instruments/_manage_downtime.html", takes_context=True)
def manage_downtime(context: Any, instrument: Any) -> dict[str, Any]:
    overview = selectors.downtime_overview(instrument=instrument, now=timezone.now())
    return {
        "instrument": instrument,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "open_form": context.get("open_form"),
        "shutdown_form": context.get("shutdown_form") or ShutdownForm(problems=overview["open_problems"]),
        "maintenance_form": context.get("maintenance_form") or MaintenanceForm(),
        **overview,
    }
