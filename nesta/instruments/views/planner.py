"""Finding time across instruments: the planner ("排期总览", several instruments side by side for
a day or a week, each free slot a link to that instrument's booking calendar at that slot) and an
instrument's month view (each day with its bookable hours). Thin: every read is
selectors.planner; the forms only shape the query string."""

from datetime import timedelta
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from nesta.core.generic import render_page_or_partial
from nesta.instruments.forms.planner import PlannerForm, month_of
from nesta.instruments.policy import LOCAL
from nesta.instruments.selectors import nextfree
from nesta.instruments.selectors import planner as planner_selectors
from nesta.instruments.views.find import get_instrument


@require_GET
def planner(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    today = timezone.localtime(now, LOCAL).date()
    form = PlannerForm(request.GET or None)
    values = form.values(today)
    plan = planner_selectors.planner(user=request.user, now=now, **values)
    keep = {k: values[k] for k in ("category", "province", "city") if values[k]}
    context = {
        "form": form,
        "plan": plan,
        "query": urlencode(keep),
        "view": values["view"],
    }
    return render_page_or_partial(request, "instruments/planner.html", "instruments/_planner_grid.html", context)


@require_GET
def month(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_instrument(pk)
    now = timezone.now()
    today = timezone.localtime(now, LOCAL).date()
    view = planner_selectors.month_view(
        instrument=instrument, user=request.user, month=month_of(request.GET.get("month"), today), now=now
    )
    context = {"instrument": instrument, "month": view, "today": today}
    return render_page_or_partial(request, "instruments/month.html", "instruments/_month_grid.html", context)


NEXT_FREE_MINUTES = (30, 60, 120, 240, 480)


@require_GET
def next_free(request: HttpRequest, pk: int) -> HttpResponse:
    """The instrument page's "最早可约" box (loaded by htmx; without it, a small page of its own)."""
    instrument = get_instrument(pk)
    try:
        minutes = int(request.GET.get("minutes", "60"))
    except ValueError:
        minutes = 60
    minutes = minutes if minutes in NEXT_FREE_MINUTES else 60
    verdict = nextfree.next_free_verdict(instrument, request.user, timedelta(minutes=minutes))
    context = {
        "instrument": instrument,
        "minutes": minutes,
        "choices": NEXT_FREE_MINUTES,
        "slot": verdict.slot,
        "needs_approval": verdict.needs_approval,
        "reason": planner_selectors.REASONS.get(verdict.reason, ""),
    }
    return render_page_or_partial(request, "instruments/next_free_page.html", "instruments/_next_free.html", context)
