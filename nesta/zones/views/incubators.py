"""The incubators' web pages under /zones/incubators/: the directory (filters: zone, kind, level,
province), an incubator (space and occupancy, services, tenants, graduates per year, reports, its
latest evaluation), and the tenant forms."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _

from nesta.core import errors
from nesta.core.charts import Chart, Series, xlsx_export
from nesta.core.generic.detail import DetailPage
from nesta.core.generic.form import FormPage
from nesta.core.generic.list import ListPage
from nesta.core.pagination import Page
from nesta.core.permissions import can
from nesta.zones.forms.incubators import IncubatorFilterForm, IncubatorForm, TenantFilterForm, TenantForm
from nesta.zones.incubator_indicators import SERVICES
from nesta.zones.selectors import incubator_evaluation as eval_reads
from nesta.zones.selectors import incubators as reads
from nesta.zones.services import incubators as services


class IncubatorList(ListPage):
    template_name = "zones/incubators/list.html"
    partial_template = "zones/incubators/_results.html"
    filter_form = IncubatorFilterForm

    def get_filters(self, request: HttpRequest) -> tuple[Any, Any]:
        form = IncubatorFilterForm(request.GET or None, zones=reads.zone_choices())
        return form, form.filters()

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        return reads.incubator_page(
            zone_id=filters.zone,
            kind=filters.kind or None,
            level=filters.level or None,
            province=filters.province or None,
            cursor=cursor,
            limit=limit,
        )

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        return {
            "list_url": reverse("zones:incubator_list"),
            "may_register": can(request.user, "incubator.manage", None),
        }


def flows_chart(incubator: Any, flows: list[Any]) -> Chart:
    """Entries and graduations per year (core.charts: drawn, tabled and exported alike)."""
    return Chart(
        id="graduates",
        kind="bar",
        title=_now("历年入孵与毕业企业"),
        categories=[str(f.year) for f in flows],
        category_heading=_now("年度"),
        series=[
            Series(_now("毕业企业"), [f.graduated for f in flows], unit=_now("家"), decimals=0, colour="#2e8b57"),
            Series(_now("新入孵企业"), [f.entered for f in flows], unit=_now("家"), decimals=0, colour="#1f4e8c"),
            Series(_now("退出企业"), [f.left for f in flows], unit=_now("家"), decimals=0, plotted=False),
        ],
        filename=_now("%(n)s历年入孵与毕业企业") % {"n": incubator.organization.name[:40]},
    )


class IncubatorDetail(DetailPage):
    template_name = "zones/incubators/detail.html"
    context_object_name = "incubator"
    not_found = _("未找到该孵化器。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        return reads.incubator_get(incubator_id=kwargs["pk"])

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        incubator = self.load(request, **kwargs)
        flows = reads.tenant_flows(incubator_id=incubator.pk)
        chart = flows_chart(incubator, flows) if flows else None
        if chart is not None and (export := xlsx_export(request, chart)):
            return export
        context = {"incubator": incubator, "chart": chart, **self.get_extra_context(request, incubator)}
        return render(request, self.template_name, context)

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        user = request.user
        target = obj.permission_target()
        may_evaluate = can(user, "incubator_evaluation.view", target)
        results = eval_reads.incubator_history(viewer=user, incubator_id=obj.pk) if may_evaluate else []
        return {
            "services": [SERVICES[k] for k in obj.services if k in SERVICES],
            "tenants": reads.tenant_page(incubator_id=obj.pk, state="present", limit=DETAIL_TENANTS),
            "tenant_counts": reads.tenant_counts(incubator_id=obj.pk),
            "occupancy": reads.occupancy_now(obj),
            "reported": reads.latest_accepted(incubator=obj),
            "reports": reads.incubator_reports(viewer=user, incubator=obj),
            "may_fill": can(user, "incubator_report.fill", target),
            "may_manage": can(user, "incubator.manage", target),
            "may_manage_tenants": can(user, "tenant.manage", target),
            "may_see_figures": reads.may_see_tenant_figures(user, obj),
            "results": results,
            "latest": results[-1] if results else None,
        }


DETAIL_TENANTS = 10  # the incubator's page shows the newest present tenants; the list has them all


class TenantList(ListPage):
    """An incubator's tenants, present / graduated / left / all, by name, paged."""

    template_name = "zones/incubators/tenants.html"
    partial_template = "zones/incubators/_tenant_results.html"
    filter_form = TenantFilterForm
    page_size = 50

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        self.incubator = reads.incubator_get(incubator_id=self.kwargs["pk"])
        return reads.tenant_page(
            incubator_id=self.incubator.pk, state=filters.state, q=filters.q, cursor=cursor, limit=limit
        )

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        target = self.incubator.permission_target()
        return {
            "incubator": self.incubator,
            "list_url": reverse("zones:tenant_list", args=[self.incubator.pk]),
            "counts": reads.tenant_counts(incubator_id=self.incubator.pk),
            "may_manage_tenants": can(request.user, "tenant.manage", target),
            "may_see_figures": reads.may_see_tenant_figures(request.user, self.incubator),
        }


class IncubatorCreate(FormPage):
    template_name = "zones/incubators/incubator_form.html"
    context_object_name = "incubator"
    creating = True
    permission = "incubator.manage"  # somewhere; the service checks the incubator's province
    permission_message = _("只有办公室和省科技厅可以登记孵化器。")
    error_aliases = {"incubator_exists": "organization"}

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return IncubatorForm(data, creating=True, zones=reads.zone_choices(), initial={"services": ["space"]})

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return services.incubator_register(actor=request.user, data=form.to_data())

    def success_message(self, saved: Any) -> str:
        return str(_("孵化器已登记。"))


class IncubatorEdit(FormPage):
    template_name = "zones/incubators/incubator_form.html"
    context_object_name = "incubator"
    not_found = _("未找到该孵化器。")
    permission = "incubator.manage"
    permission_message = _("只有办公室和所在省科技厅可以修改孵化器。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        return reads.incubator_get(incubator_id=kwargs["pk"])

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        initial = {
            "kind": obj.kind, "level": obj.level, "zone": obj.zone_id, "host": obj.host_id,
            "established_on": obj.established_on, "space_m2": obj.space_m2, "services": obj.services,
            "manager_name": obj.manager_name, "is_active": obj.is_active,
        }  # fmt: skip
        return IncubatorForm(data, creating=False, zones=reads.zone_choices(), initial=initial)

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return services.incubator_update(actor=request.user, incubator_id=obj.pk, data=form.to_data())

    def success_message(self, saved: Any) -> str:
        return str(_("孵化器已保存。"))


class TenantCreate(FormPage):
    template_name = "zones/incubators/tenant_form.html"
    context_object_name = "incubator"
    creating = True

    def load(self, request: HttpRequest, **kwargs: Any) -> Any:
        incubator = reads.incubator_get(incubator_id=kwargs["pk"])
        if not request.user.is_authenticated:
            raise errors.NotAuthenticated()
        if not can(request.user, "tenant.manage", incubator.permission_target()):
            raise errors.PermissionDenied(_("只有孵化器本身的人员、所在省科技厅和办公室可以登记在孵企业。"))
        return incubator

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return TenantForm(data, fields=reads.field_choices())

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return services.tenant_create(actor=request.user, incubator_id=obj.pk, data=form.to_data())

    def success_url(self, saved: Any) -> str:
        return reverse("zones:incubator", args=[saved.incubator_id]) + "#tenants"

    def success_message(self, saved: Any) -> str:
        return str(_("在孵企业已登记。"))


class TenantEdit(FormPage):
    template_name = "zones/incubators/tenant_form.html"
    context_object_name = "tenant"
    not_found = _("未找到该在孵企业。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        tenant = reads.tenant_get(tenant_id=kwargs["pk"])
        if not can(request.user, "tenant.manage", tenant.permission_target()):
            raise errors.PermissionDenied(_("只有孵化器本身的人员、所在省科技厅和办公室可以修改在孵企业。"))
        return tenant

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        initial = {
            "name": obj.name, "founded_on": obj.founded_on, "field": obj.field.code if obj.field_id else "",
            "is_private_tech": obj.is_private_tech, "employees": obj.employees, "revenue": obj.revenue,
            "space_m2": obj.space_m2, "entered_on": obj.entered_on, "graduated_on": obj.graduated_on,
            "left_on": obj.left_on,
        }  # fmt: skip
        return TenantForm(data, fields=reads.field_choices(), initial=initial)

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"incubator": obj.incubator}

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return services.tenant_update(actor=request.user, tenant_id=obj.pk, data=form.to_data())

    def success_url(self, saved: Any) -> str:
        return reverse("zones:incubator", args=[saved.incubator_id]) + "#tenants"

    def success_message(self, saved: Any) -> str:
        return str(_("在孵企业已保存。"))
