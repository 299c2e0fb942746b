"""Web pages of testing orders (分析测试): submitting an order against an instrument's service
catalogue, "我的检测委托", an order's page with the steps the current user may take, the report
download, and "检测委托管理" for the instruments' staff.

Thin by design: every step goes through instruments.services.orders (which checks permissions and
the order's state, locks, audits and notifies); reads go through instruments.selectors.orders. The
views only turn requests into those calls and domain errors into messages or form errors."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from nesta.core.errors import Conflict, PermissionDenied, ServiceUnavailable, ValidationFailed
from nesta.core.generic import FAILED_POST_STATUS, domain_errors, login_required_or_redirect, render_page_or_partial
from nesta.core.generic.download import file_download
from nesta.core.generic.transition import transition_buttons, transition_view
from nesta.core.lifecycle import Transition
from nesta.core.permissions import can, require
from nesta.core.selectors import audit_list
from nesta.instruments.forms.orders import OrderForm, QuoteForm, ReportForm
from nesta.instruments.forms.payers import offer_accounts
from nesta.instruments.lifecycles import TESTORDER
from nesta.instruments.models import TestOrder
from nesta.instruments.selectors import orders as selectors
from nesta.instruments.selectors import payers as payer_selectors
from nesta.instruments.services import orders as services

PAGE_SIZE = 20
S = TestOrder.Status

# The steps of an order as its page shows them: (status reached, timestamp field, label).
TIMELINE = [
    (S.SUBMITTED, "created_at", gettext_lazy("提交委托")),
    (S.QUOTED, "quoted_at", gettext_lazy("报价")),
    (S.CONFIRMED, "confirmed_at", gettext_lazy("用户确认报价")),
    (S.RECEIVED, "received_at", gettext_lazy("收样")),
    (S.TESTING, "testing_at", gettext_lazy("开始检测")),
    (S.REPORTED, "reported_at", gettext_lazy("出具报告")),
    (S.SETTLED, "settled_at", gettext_lazy("结算")),
]


def _error_text(exc: ValidationFailed | Conflict) -> str:
    """A domain error as one readable line: its field messages when it has them."""
    # only a validation error's details are field messages (a 409 lists the allowed states there)
    details = exc.details if isinstance(exc, ValidationFailed) and isinstance(exc.details, dict) else {}
    lines = [str(m) for msgs in details.values() if isinstance(msgs, list) for m in msgs if isinstance(m, str)]
    return "；".join(lines) if lines else str(exc.message)


def _put_errors(form: Any, exc: ValidationFailed) -> None:
    """A service's {field: [messages]} beside the form's fields (else above the form)."""
    details = exc.details if isinstance(exc.details, dict) else {}
    placed = False
    for name, msgs in details.items():
        if name in form.fields and isinstance(msgs, list):
            for msg in msgs:
                form.add_error(name, str(msg))
            placed = True
    if not placed:
        form.add_error(None, _error_text(exc))


# --- the catalogue on an instrument's page, and submitting an order -------------------------------


@require_http_methods(["GET", "POST"])
@login_required_or_redirect
@domain_errors
def order_submit(request: HttpRequest, service_id: int) -> HttpResponse:
    """提交检测委托 for one catalogue entry, through testorder_submit."""
    item = selectors.service_item_get(item_id=service_id)
    accounts = payer_selectors.usable_accounts(request.user)
    status = 200
    if request.method == "POST":
        form = OrderForm(request.POST)
        offer_accounts(form, accounts, None)
        status = FAILED_POST_STATUS
        if form.is_valid():
            data = form.cleaned_data
            try:
                order = services.testorder_submit(
                    actor=request.user,
                    service_id=item.pk,
                    quantity=data["quantity"],
                    sample_description=data["sample_description"].strip(),
                    notes=data["notes"].strip(),
                    account_id=data.get("account_id"),
                )
            except ValidationFailed as exc:
                _put_errors(form, exc)
            except Conflict as exc:
                status = FAILED_POST_STATUS  # one status for a failed form POST (nesta.core.generic.base)
                form.add_error(None, str(exc.message))
            except PermissionDenied:
                status = 403
                form.add_error(None, _("您没有提交检测委托的权限，请联系所在机构管理员开通。"))
            except ServiceUnavailable:
                status = 503
                form.add_error(None, _("系统繁忙，请稍后重试"))
            else:
                messages.success(
                    request, _("检测委托已提交（订单 #%(id)s），请等待仪器管理员报价。") % {"id": order.pk}
                )
                return redirect("instruments:order_detail", order_id=order.pk)
    else:
        form = OrderForm(initial={"quantity": 1})
        offer_accounts(form, accounts, payer_selectors.default_account(request.user, accounts))
    context = {"item": item, "instrument": item.instrument, "form": form}
    response = render(request, "instruments/orders/order_form.html", context, status=status)
    if status == 503:
        response["Retry-After"] = "1"
    return response


# --- lists -------------------------------------------------------------------------------------


def _status_tabs(counts: dict[str, int], current: str) -> list[dict[str, Any]]:
    tabs = [{"value": "", "label": _("全部"), "count": sum(counts.values()), "active": not current}]
    for value, label in S.choices:
        tabs.append({"value": value, "label": label, "count": counts.get(value, 0), "active": value == current})
    return tabs


def _status_param(request: HttpRequest) -> str:
    status = request.GET.get("status", "")
    return status if status in S.values else ""


@require_GET
@login_required_or_redirect
@domain_errors
def my_orders(request: HttpRequest) -> HttpResponse:
    """我的检测委托: the user's orders (an organisation admin's: their organisation's), newest first."""
    status = _status_param(request)
    cursor = request.GET.get("cursor") or None
    page = selectors.testorders_of_customer(actor=request.user, status=status, cursor=cursor, limit=PAGE_SIZE)
    context = {
        "page": page,
        "paged": bool(cursor),
        "status": status,
        "tabs": _status_tabs(selectors.status_counts(selectors.testorders_of_customer_qs(actor=request.user)), status),
        "list_url": reverse("instruments:my_orders"),
        "may_manage": can(request.user, "instrument.manage"),
    }
    return render_page_or_partial(
        request, "instruments/orders/my_orders.html", "instruments/orders/_order_rows.html", context
    )


@require_GET
@login_required_or_redirect
@domain_errors
def manage_orders(request: HttpRequest) -> HttpResponse:
    """检测委托管理: the orders placed on the instruments the user manages, filtered by status."""
    if not can(request.user, "instrument.manage"):
        raise DjangoPermissionDenied(_("您不是仪器管理人员。"))
    status = _status_param(request)
    cursor = request.GET.get("cursor") or None
    page = selectors.testorders_of_staff(actor=request.user, status=status, cursor=cursor, limit=PAGE_SIZE)
    context = {
        "page": page,
        "paged": bool(cursor),
        "status": status,
        "tabs": _status_tabs(selectors.status_counts(selectors.testorders_of_staff_qs(actor=request.user)), status),
        "list_url": reverse("instruments:manage_orders"),
        "staff_view": True,
    }
    return render_page_or_partial(
        request, "instruments/orders/manage_orders.html", "instruments/orders/_order_rows.html", context
    )


# --- one order ---------------------------------------------------------------------------------


def _timeline(order: TestOrder) -> list[dict[str, Any]]:
    """The order's steps with their times; the steps still to come are listed without one."""
    rows = []
    for status, field, label in TIMELINE:
        at = getattr(order, field)
        rows.append({"status": status, "label": label, "at": at, "done": at is not None})
    if order.cancelled_at:
        rows = [r for r in rows if r["done"]]
        rows.append({"status": S.CANCELLED, "label": _("取消委托"), "at": order.cancelled_at, "done": True})
    return rows


def _detail_context(
    request: HttpRequest,
    order: TestOrder,
    *,
    quote_form: QuoteForm | None = None,
    report_form: ReportForm | None = None,
) -> dict[str, Any]:
    transitions = selectors.testorder_transitions(request.user, order)
    actions = [t.name for t in transitions]
    audit_entries = None
    if can(request.user, "audit.view"):
        audit_entries = audit_list(
            user=request.user, object_type="instruments.testorder", object_id=str(order.pk), limit=50
        ).items
    initial_amount = order.quoted_amount if order.quoted_amount is not None else order.list_amount
    return {
        "order": order,
        "actions": actions,
        # the bare-POST steps' buttons, from the order's table (quote and report have their forms)
        "step_buttons": transition_buttons(
            [t for t in transitions if not t.needs_input], order.pk, url_name="instruments:order_{}"
        ),
        "timeline": _timeline(order),
        "quote_form": quote_form or QuoteForm(initial={"amount": initial_amount, "note": order.quote_note}),
        "report_form": report_form or ReportForm(),
        "has_report": bool(order.report),
        "is_staff_side": can(request.user, "instrument.manage", order.instrument),
        "audit_entries": audit_entries,
    }


@require_GET
@login_required_or_redirect
@domain_errors
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.testorder_get(actor=request.user, order_id=order_id)
    return render(request, "instruments/orders/order_detail.html", _detail_context(request, order))


def _form_failed(request: HttpRequest, order_id: int, **forms: Any) -> HttpResponse:
    """The order's page again with the form that failed and its errors (422)."""
    order = selectors.testorder_get(actor=request.user, order_id=order_id)
    context = _detail_context(request, order, **forms)
    return render(request, "instruments/orders/order_detail.html", context, status=422)


def _run_step(request: HttpRequest, t: Transition, order_id: int) -> HttpResponse | None:
    """报价, 确认, 收样, 开始检测, 上传报告, 结算, 取消: one step of an order through its service.
    The staff's two forms refuse others before looking at their input, and come back with their
    errors; the other steps are a bare POST."""
    user = request.user
    if t.needs_input:
        order = selectors.testorder_get(actor=user, order_id=order_id)
        require(user, "instrument.manage", order.instrument)
    if t.name == "quote":
        quote_form = QuoteForm(request.POST)
        if not quote_form.is_valid():
            return _form_failed(request, order_id, quote_form=quote_form)
        try:
            services.testorder_quote(
                actor=user,
                order_id=order_id,
                amount=quote_form.cleaned_data["amount"],
                note=quote_form.cleaned_data["note"].strip(),
            )
        except ValidationFailed as exc:
            _put_errors(quote_form, exc)
            return _form_failed(request, order_id, quote_form=quote_form)
    elif t.name == "report":
        report_form = ReportForm(request.POST, request.FILES)
        if not report_form.is_valid():
            return _form_failed(request, order_id, report_form=report_form)
        try:
            services.testorder_report(actor=user, order_id=order_id, file=report_form.cleaned_data["file"])
        except ValidationFailed as exc:
            _put_errors(report_form, exc)
            return _form_failed(request, order_id, report_form=report_form)
    else:
        STEPS[t.name](actor=user, order_id=order_id)
    return None  # back to the order with the step's `done` message


STEPS = {
    "confirm": services.testorder_confirm,
    "receive": services.testorder_receive,
    "start": services.testorder_start,
    "settle": services.testorder_settle,
    "cancel": services.testorder_cancel,
}

# The order's steps: one POST view for the table's transitions (urls.py names each); refused →
# 403 page, wrong state or a refused input → the order's page with the reason.
order_step = transition_view(
    TESTORDER, id_kwarg="order_id", run=_run_step, back=lambda request, order_id: order_url_of(order_id)
)


def order_url_of(order_id: int) -> str:
    return reverse("instruments:order_detail", args=[order_id])


@require_GET
@login_required_or_redirect
@domain_errors
def order_report(request: HttpRequest, order_id: int) -> HttpResponse:
    """下载报告: whoever may see the order (the same rule as the API's download)."""
    order = selectors.testorder_get(actor=request.user, order_id=order_id)
    if not order.report:
        raise Http404(_("该订单尚无检测报告。"))
    try:
        handle = order.report.open("rb")
    except FileNotFoundError:
        raise Http404(_("检测报告文件不存在。")) from None
    response = file_download(handle, filename=order.report_name or "report", private=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]  # streamed; domain_errors is typed for HttpResponse
