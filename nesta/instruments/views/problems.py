"""Problem reports on the web: an instrument's history of faults and shutdowns (public; details to
its staff and to each reporter — selectors.problems), the report form (someone who used it, or
its staff), and the staff's steps 受理 / 已解决 from the PROBLEM table."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from nesta.core.errors import PermissionDenied
from nesta.core.generic import domain_errors
from nesta.core.generic.form import FormPage
from nesta.core.generic.transition import safe_next, transition_buttons, transition_view
from nesta.core.lifecycle import Transition
from nesta.instruments.forms.problems import ProblemForm, ResolveForm
from nesta.instruments.lifecycles import PROBLEM
from nesta.instruments.selectors import problems as selectors
from nesta.instruments.services import problems as services
from nesta.instruments.views.find import PAGE_SIZE, get_instrument


@require_GET
@domain_errors
def problem_history(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_instrument(pk)
    cursor = request.GET.get("cursor") or None
    page = selectors.history_page(instrument=instrument, viewer=request.user, cursor=cursor, limit=PAGE_SIZE)
    staff = selectors.is_staff(request.user, instrument)
    for entry in page.items:
        if staff and entry.problem is not None:  # only the staff have steps to take
            steps = PROBLEM.available(request.user, entry.problem)
            entry.buttons = transition_buttons(steps, entry.problem.pk, url_name="instruments:problem_{}")  # type: ignore[attr-defined]
    context = {
        "instrument": instrument,
        "page": page,
        "paged": cursor is not None,
        "now": timezone.now(),
        "resolve_form": ResolveForm(),
        "may_report": request.user.is_authenticated and services.may_report(request.user, instrument),
        "staff": staff,
        "list_url": reverse("instruments:problems", args=[instrument.pk]),
    }
    return render(request, "instruments/problems.html", context)


class ProblemCreate(FormPage):
    """报告故障: the service decides who may (403 not_a_user otherwise)."""

    form_class = ProblemForm
    template_name = "instruments/problem_form.html"
    context_object_name = "instrument"
    permission = "problem.report"
    permission_message = gettext_lazy("您没有报告故障的权限。")

    def get_object(self, request: HttpRequest, pk: int) -> Any:
        instrument = get_instrument(pk)
        if not services.may_report(request.user, instrument):
            raise PermissionDenied(_("只有使用过该仪器的用户（或仪器管理人员）才能报告故障。"), code="not_a_user")
        return instrument

    def get_form(self, request: HttpRequest, instrument: Any, data: Any = None) -> Any:
        return ProblemForm(data) if data is not None else ProblemForm()

    def save(self, request: HttpRequest, form: Any, instrument: Any) -> Any:
        d = form.cleaned_data
        return services.problem_report(
            actor=request.user,
            instrument_id=instrument.pk,
            title=d["title"],
            description=d.get("description") or "",
            severity=d["severity"],
        )

    def success_url(self, saved: Any) -> str:
        return reverse("instruments:problems", args=[saved.instrument_id])

    def success_message(self, saved: Any) -> str:
        return _("故障已报告，仪器管理员会尽快处理。")


problem_create = ProblemCreate.as_view()


def _run(request: HttpRequest, t: Transition, problem_id: int) -> None:
    if t.name == "resolve":
        services.problem_resolve(
            actor=request.user, problem_id=problem_id, resolution=request.POST.get("resolution", "")
        )
    else:
        services.problem_acknowledge(actor=request.user, problem_id=problem_id)


def _back(request: HttpRequest, problem_id: int) -> str:
    problem = selectors.problem_of(problem_id=problem_id)
    if problem is None:
        raise Http404
    return safe_next(request, reverse("instruments:problems", args=[problem.instrument_id]))


# 受理, 已解决 — one POST view for the table's transitions (urls.py names each).
problem_action = transition_view(PROBLEM, id_kwarg="problem_id", run=_run, back=_back, login_next=_back)
