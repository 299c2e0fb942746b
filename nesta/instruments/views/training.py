"""Training requests on the web: 申请上机培训 (from the instrument page), 我的培训 (where each
request stands, 撤回), and the instrument staff's list of requests with 安排培训 / 授予资格 /
不予通过 — the steps from the TRAINING table, their inputs through small forms."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from nesta.core.errors import PermissionDenied, ValidationFailed
from nesta.core.generic import domain_errors, login_required_or_redirect
from nesta.core.generic.form import FormPage
from nesta.core.generic.transition import safe_next, transition_buttons, transition_view
from nesta.core.lifecycle import Transition
from nesta.core.permissions import can
from nesta.instruments.forms.training import DeclineForm, GrantForm, ScheduleForm, TrainingRequestForm
from nesta.instruments.lifecycles import TRAINING
from nesta.instruments.selectors import training as selectors
from nesta.instruments.services import training as services
from nesta.instruments.views.find import PAGE_SIZE, get_instrument


class TrainingRequestCreate(FormPage):
    form_class = TrainingRequestForm
    template_name = "instruments/training_request_form.html"
    context_object_name = "instrument"
    permission = "training.request"
    permission_message = gettext_lazy("您没有申请上机培训的权限。")

    def get_object(self, request: HttpRequest, pk: int) -> Any:
        return get_instrument(pk)

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        # a plain form about the instrument, not a model form of it
        return self.form_class(data) if data is not None else self.form_class(initial=self.get_initial(request, obj))

    def save(self, request: HttpRequest, form: Any, instrument: Any) -> Any:
        return services.training_request(
            actor=request.user, instrument_id=instrument.pk, message=form.cleaned_data.get("message") or ""
        )

    def success_url(self, saved: Any) -> str:
        return reverse("instruments:my_training")

    def success_message(self, saved: Any) -> str:
        return _("培训申请已提交，仪器管理员安排培训后会通知您。")


training_request_create = TrainingRequestCreate.as_view()


def _with_buttons(request: HttpRequest, items: list[Any]) -> None:
    for item in items:
        steps = TRAINING.available(request.user, item)
        item.buttons = transition_buttons(steps, item.pk, url_name="instruments:training_{}")


@require_GET
@login_required_or_redirect
@domain_errors
def my_training(request: HttpRequest) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    page = selectors.my_requests_page(user=request.user, cursor=cursor, limit=PAGE_SIZE)
    _with_buttons(request, page.items)
    return render(request, "instruments/my_training.html", {"page": page, "paged": cursor is not None})


@require_GET
@login_required_or_redirect
@domain_errors
def training_requests(request: HttpRequest, pk: int) -> HttpResponse:
    """The instrument staff's list: open requests first by default (?all=1 for every one)."""
    instrument = get_instrument(pk)
    if not can(request.user, "instrument.manage", instrument):
        raise PermissionDenied(_("只有该仪器的管理人员可以查看培训申请。"))
    cursor = request.GET.get("cursor") or None
    show_all = request.GET.get("all") == "1"
    page = selectors.instrument_requests_page(
        instrument_id=instrument.pk, cursor=cursor, limit=PAGE_SIZE, open_only=not show_all
    )
    _with_buttons(request, page.items)
    context = {
        "instrument": instrument,
        "page": page,
        "paged": cursor is not None,
        "show_all": show_all,
        "schedule_form": ScheduleForm(),
        "grant_form": GrantForm(),
        "decline_form": DeclineForm(),
    }
    return render(request, "instruments/training_requests.html", context)


FORMS = {"schedule": ScheduleForm, "grant": GrantForm, "decline": DeclineForm}


def _cleaned(t: Transition, request: HttpRequest) -> dict[str, Any]:
    form = FORMS[t.name](request.POST)
    if not form.is_valid():
        raise ValidationFailed(details={k: [str(m) for m in v] for k, v in form.errors.items()})
    return form.cleaned_data


def _run(request: HttpRequest, t: Transition, request_id: int) -> None:
    user = request.user
    if t.name == "withdraw":
        services.training_withdraw(actor=user, request_id=request_id)
        return
    d = _cleaned(t, request)
    if t.name == "schedule":
        services.training_schedule(
            actor=user,
            request_id=request_id,
            start=d["start"],
            end=d["end"],
            location=d.get("location") or "",
            note=d.get("note") or "",
        )
    elif t.name == "grant":
        services.training_grant(actor=user, request_id=request_id, expires_at=d.get("expires_at"))
    else:
        services.training_decline(actor=user, request_id=request_id, reason=d["reason"])


def _back(request: HttpRequest, request_id: int) -> str:
    item = selectors.request_of(request_id=request_id)
    if item is None:
        raise Http404
    default = (
        reverse("instruments:my_training")
        if item.user_id == request.user.pk
        else reverse("instruments:training_requests", args=[item.instrument_id])
    )
    return safe_next(request, default)


# 安排培训, 授予资格, 不予通过, 撤回 — one POST view for the table's transitions (urls.py names each).
training_action = transition_view(TRAINING, id_kwarg="request_id", run=_run, back=_back, login_next=_back)
