"""Web pages of technology contract registration: submission, my contracts, the point's queue,
the decision, the contract with its certificate, the public verification page and the
registration points' administration. Thin: selectors read, services write, generic views do the
steps."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from nesta.core.errors import NotAuthenticated, NotFound, PermissionDenied
from nesta.core.generic.base import domain_errors, login_required_or_redirect
from nesta.core.generic.detail import DetailPage
from nesta.core.generic.download import file_download
from nesta.core.generic.form import FormPage
from nesta.core.generic.list import ListPage
from nesta.core.generic.transition import Outcome, safe_next, transition_buttons, transition_view
from nesta.core.lifecycle import Transition
from nesta.core.pagination import Page
from nesta.core.permissions import can
from nesta.core.xlsx import table_xlsx
from nesta.market import certificates
from nesta.market.forms.contracts import (
    ContractFilterForm,
    ContractForm,
    CostLines,
    RefuseForm,
    RegistrationPointForm,
    cost_data,
)
from nesta.market.lifecycles.contract import CONTRACT
from nesta.market.models import TechContract
from nesta.market.selectors import contracts as selectors
from nesta.market.services import contracts as services
from nesta.market.services import registration_points as point_services

ERROR_ALIASES = {"point_id": "point", "seller_organization_id": "seller_organization"}


class ContractSubmit(FormPage):
    template_name = "market/contracts/contract_form.html"
    creating = True
    permission = "contract.submit"
    permission_message = _("只有卖方单位的人员或运营方可以申请技术合同登记。")
    error_aliases = ERROR_ALIASES

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        kwargs = {
            "points": selectors.registration_points(),
            "organizations": selectors.acting_organizations(request.user),
            "may_unlink": selectors.may_submit_for_anyone(request.user),
        }
        if data is None:
            form = ContractForm(initial={"listing_id": request.GET.get("listing") or None}, **kwargs)
        else:
            form = ContractForm(data, **kwargs)
        form.costs = CostLines(data, prefix="cost")
        return form

    def form_is_valid(self, form: Any) -> bool:
        return bool(form.is_valid()) & bool(form.costs.is_valid())

    def context_forms(self, form: Any) -> dict[str, Any]:
        return {"form": form, "costs": form.costs}

    def put_errors(self, form: Any, exc: Any) -> None:
        # the cost lines' rules are about the whole list: say so above the form, in Chinese
        details = dict(exc.details) if isinstance(exc.details, dict) else {}
        for message in details.pop("non_technical_costs", []):
            form.add_error(None, f"{_('非技术性费用')}：{message}")
        if details.keys() - {"codes"}:
            exc.details = details
            super().put_errors(form, exc)
        elif not form.non_field_errors():
            form.add_error(None, str(exc.message))

    def save(self, request: HttpRequest, form: Any, obj: Any) -> TechContract:
        return services.contract_submit(actor=request.user, data=form.to_data(cost_data(form.costs)))

    def success_message(self, saved: TechContract) -> str:
        return str(_("已提交登记申请，认定期限至 %(d)s。") % {"d": saved.decision_due})


class ContractList(ListPage):
    """My contracts: the seller side's own (and those I submitted)."""

    template_name = "market/contracts/contract_list.html"
    partial_template = "market/contracts/_contract_results.html"
    filter_form = ContractFilterForm
    login_required = True

    def get_filters(self, request: HttpRequest) -> tuple[Any, Any]:
        form = ContractFilterForm(request.GET or None)
        return form, form.filters(mine=True)

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        return selectors.contract_list(user=request.user, filters=filters, cursor=cursor, limit=limit)

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        return {
            "list_url": reverse("market:contract_list"),
            "points": selectors.decidable_points(request.user),
            "may_submit": can(request.user, "contract.submit"),
        }


class PointQueue(ListPage):
    """A registration point's queue: contracts awaiting a decision, overdue ones highlighted."""

    template_name = "market/contracts/queue.html"
    partial_template = "market/contracts/_queue_results.html"
    login_required = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        points = selectors.decidable_points(request.user)
        if "point_id" not in kwargs:
            if len(points) == 1:
                return redirect("market:contract_queue_point", points[0].pk)
            return render(request, "market/contracts/queue_points.html", {"points": points})
        self.point = selectors.point_of(user=request.user, point_id=kwargs["point_id"])
        self.points = points
        return super().get(request, *args, **kwargs)

    def get_filters(self, request: HttpRequest) -> tuple[Any, Any]:
        return None, {"overdue_only": request.GET.get("overdue") == "1"}

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        page, self.overdue = selectors.point_queue(
            point=self.point, cursor=cursor, limit=limit, overdue_only=filters["overdue_only"]
        )
        return page

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        return {
            "point": self.point,
            "points": self.points,
            "overdue": self.overdue,
            "overdue_only": filters["overdue_only"],
            "list_url": reverse("market:contract_queue_point", args=[self.point.pk]),
        }


class ContractDetail(DetailPage):
    template_name = "market/contracts/contract_detail.html"
    context_object_name = "contract"
    not_found = _("未找到该技术合同。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> TechContract:
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        return selectors.contract_get(user=request.user, contract_id=kwargs["pk"])

    def get_extra_context(self, request: HttpRequest, obj: TechContract) -> dict[str, Any]:
        actions = selectors.contract_actions(request.user, obj)
        return {
            "buttons": transition_buttons(
                [t for t in actions if t.name == "withdraw"], obj.pk, url_name="market:contract_{}"
            ),
            "may_decide": any(t.name in ("register", "refuse") for t in actions),
            "refusal_labels": selectors.refusal_labels(obj),
            "seller_place": certificates.place_label(obj.seller_region, obj.seller_country),
            "buyer_place": certificates.place_label(obj.buyer_region, obj.buyer_country),
            "costs": certificates.cost_lines(obj),
            "verify_url": request.build_absolute_uri(reverse("market:contract_verify", args=[obj.number]))
            if obj.number
            else "",
        }


class ContractDecide(DetailPage):
    """The decision page: register, or refuse with reason checkboxes and a note."""

    template_name = "market/contracts/contract_decide.html"
    context_object_name = "contract"

    def get_object(self, request: HttpRequest, **kwargs: Any) -> TechContract:
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        contract = selectors.contract_get(user=request.user, contract_id=kwargs["pk"])
        if not can(request.user, "contract.decide", contract):
            raise PermissionDenied(_("只有登记点的工作人员可以作出认定。"))
        return contract

    def get_extra_context(self, request: HttpRequest, obj: TechContract) -> dict[str, Any]:
        return {"refuse_form": RefuseForm(), "actions": [t.name for t in selectors.contract_actions(request.user, obj)]}


def _run_step(request: HttpRequest, t: Transition, contract_id: int) -> HttpResponseBase | Outcome | None:
    if t.name == "register":
        contract = services.contract_register(actor=request.user, contract_id=contract_id)
        return Outcome(_("已登记，登记编号 %(n)s，并已通知申请人。") % {"n": contract.number})
    if t.name == "refuse":
        services.contract_refuse(
            actor=request.user,
            contract_id=contract_id,
            reasons=request.POST.getlist("reasons"),
            note=request.POST.get("note", ""),
        )
        # refused input goes back to the decision page (the form's `next`); done, to the contract
        messages.success(request, str(t.done))
        return redirect("market:contract_detail", contract_id)
    services.contract_withdraw(actor=request.user, contract_id=contract_id)
    return None


contract_action = transition_view(
    CONTRACT,
    id_kwarg="pk",
    run=_run_step,
    back=lambda request, pk: safe_next(request, reverse("market:contract_detail", args=[pk])),
)


@domain_errors
@login_required_or_redirect
def contract_certificate(request: HttpRequest, pk: int) -> HttpResponseBase:
    contract = selectors.contract_get(user=request.user, contract_id=pk)
    if contract.status != TechContract.Status.REGISTERED:
        raise NotFound(certificates.NOT_REGISTERED)
    verify = request.build_absolute_uri(reverse("market:contract_verify", args=[contract.number]))
    try:
        pdf = certificates.certificate_pdf(contract, verify_url=verify)
    except certificates.FontMissing as exc:
        return render(request, "503.html", {"message": exc.message}, status=503)
    return file_download(
        pdf,
        filename=f"技术合同登记证明-{contract.number}.pdf",
        fallback=f"certificate-{contract.number}.pdf",
        content_type="application/pdf",
        private=True,
    )


LEDGER_HEADERS = ["登记编号", "登记日期", "合同名称", "合同类型", "卖方", "买方", "买方所在地", "技术领域",
                  "知识产权类型", "计划来源", "合同成交额（元）", "技术交易额（元）"]  # fmt: skip


@domain_errors
@login_required_or_redirect
def point_ledger(request: HttpRequest, point_id: int) -> HttpResponseBase:
    """The point's register of a year as XLSX (its staff and the operator)."""
    point = selectors.point_of(user=request.user, point_id=point_id)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    rows = (
        [
            c.number,
            certificates.local_date(c.registered_at),
            c.name,
            str(c.get_contract_type_display()),
            c.seller_name,
            c.buyer_name,
            c.buyer_region or c.buyer_country,
            str(c.get_tech_field_display()),
            str(c.get_ip_type_display()),
            str(c.get_plan_source_display()),
            c.contract_amount,
            c.technology_amount,
        ]  # fmt: skip
        for c in selectors.point_ledger(point=point, year=year).iterator(chunk_size=2000)
    )
    content = table_xlsx(
        "登记台账", LEDGER_HEADERS, rows, widths=[16, 12, 40, 24, 28, 28, 10, 16, 14, 14, 16, 16],
        formats={2: "yyyy-mm-dd", 11: "#,##0.00", 12: "#,##0.00"}, title=f"{point.name} {year}年技术合同登记台账",
    )  # fmt: skip
    return file_download(
        content, filename=f"技术合同登记台账-{point.name}-{year}.xlsx", fallback=f"ledger-{year}.xlsx", private=True
    )


@require_GET
@domain_errors
def contract_verify(request: HttpRequest, number: str) -> HttpResponse:
    """The public confirmation of a number: number, type, parties' names, amounts, date."""
    try:
        contract = selectors.contract_verify(number=number)
    except NotFound:
        return render(request, "market/contracts/verify.html", {"number": number[:14], "contract": None}, status=404)
    return render(request, "market/contracts/verify.html", {"number": number, "contract": contract})


@require_GET
def contract_verify_form(request: HttpRequest) -> HttpResponse:
    number = "".join(ch for ch in request.GET.get("number", "") if ch.isdigit())[:14]
    if number:
        return redirect("market:contract_verify", number)
    return render(request, "market/contracts/verify.html", {"number": "", "contract": None, "asking": True})


# --- registration points ----------------------------------------------------------------------


class PointList(ListPage):
    template_name = "market/contracts/point_list.html"
    partial_template = "market/contracts/_point_results.html"
    login_required = True
    page_size = 50

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        if not can(request.user, "registration_point.manage"):
            raise PermissionDenied(_("只有运营方可以管理技术合同登记点。"))
        return selectors.registration_point_page(user=request.user, cursor=cursor, limit=limit)

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        return {"list_url": reverse("market:registration_points")}


class PointFormBase(FormPage):
    template_name = "market/contracts/point_form.html"
    context_object_name = "point"
    permission = "registration_point.manage"
    error_aliases = {"organization_id": "organization"}

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        orgs = selectors.technology_markets()
        return RegistrationPointForm(data, organizations=orgs, instance=obj)

    def success_url(self, saved: Any) -> str:
        return reverse("market:registration_points")

    def success_message(self, saved: Any) -> str:
        return str(_("已保存登记点：%(n)s") % {"n": saved.name})


class PointCreate(PointFormBase):
    creating = True

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return point_services.registration_point_create(actor=request.user, data=form.to_data())


class PointEdit(PointFormBase):
    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        return selectors.registration_point_get(user=request.user, point_id=kwargs["pk"])

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return point_services.registration_point_update(actor=request.user, point_id=obj.pk, data=form.to_data())
