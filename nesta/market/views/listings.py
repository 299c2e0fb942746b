"""The web pages of listings: the listing's page, create (kind first, then its form) and edit,
my listings, the review queue, the lifecycle's buttons, XLSX import and export. Built on
core.generic; the rules are the services', the reads the selectors'."""

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from nesta.core import errors
from nesta.core.generic.base import FAILED_POST_STATUS, domain_errors
from nesta.core.generic.detail import DetailPage
from nesta.core.generic.download import file_download
from nesta.core.generic.form import FormPage
from nesta.core.generic.list import ListPage
from nesta.core.generic.transition import Outcome, safe_next, transition_buttons, transition_view
from nesta.core.lifecycle import Transition
from nesta.core.models import Region
from nesta.core.permissions import can
from nesta.market import exports
from nesta.market.forms.listings import ImportForm, ListingForm, MyListingsFilter, ReturnForm
from nesta.market.kinds import KIND_FACETS
from nesta.market.lifecycles.listing import LISTING
from nesta.market.models import Listing, ListingKind
from nesta.market.selectors import listings as reads
from nesta.market.services import listing_import as importer
from nesta.market.services import listings as services

KIND_HELP = {
    ListingKind.ACHIEVEMENT: gettext_lazy("高校、院所、企业可转让或许可的专利、技术秘密等成果"),
    ListingKind.DEMAND: gettext_lazy("企业在生产中遇到、需要技术解决的问题"),
    ListingKind.PROPERTY_RIGHT: gettext_lazy("股权、房产、设备、知识产权等产权转让，国有资产按规则挂牌"),
    ListingKind.FINANCING: gettext_lazy("科技企业的股权或债权融资需求"),
    ListingKind.INVESTOR: gettext_lazy("投资机构的阶段、领域、地区与单笔金额偏好"),
    ListingKind.CAPACITY: gettext_lazy("可对外承接的加工、检测等制造能力"),
    ListingKind.OUTSOURCING: gettext_lazy("需要外协加工的零部件与工艺"),
    ListingKind.AGRI_VARIETY: gettext_lazy("农业新品种、新技术的推广与转让"),
    ListingKind.AGRI_SUPPLY: gettext_lazy("农产品供应：品种、数量、等级、产地"),
    ListingKind.AGRI_DEMAND: gettext_lazy("农产品收购需求"),
    ListingKind.SERVICE: gettext_lazy("咨询、评估、知识产权、检测、技术经纪等科技服务"),
}


def _buttons(request: HttpRequest, listing: Listing) -> tuple[list[Any], bool]:
    """The page's buttons (those needing input apart) and whether a return form is offered."""
    available = reads.transitions_for(request.user, listing)
    plain = [t for t in available if not t.needs_input]
    returnable = any(t.name == "return" for t in available)
    buttons = transition_buttons(plain, listing.pk, url_name="market:listing_{}")
    # "已成交" names the state the step leads to; the button says what it does
    buttons = [replace(b, text=_("标记成交")) if b.name == "deal" else b for b in buttons]
    return buttons, returnable


class ListingDetail(DetailPage):
    template_name = "market/listings/detail.html"
    context_object_name = "listing"
    not_found = gettext_lazy("未找到该信息。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Listing:
        return reads.listing_get(viewer=request.user, listing_id=kwargs["pk"])

    def get_extra_context(self, request: HttpRequest, obj: Listing) -> dict[str, Any]:
        buttons, returnable = _buttons(request, obj)
        codes = (obj.details or {}).get("regions") or []
        names = dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
        return {
            "detail_rows": reads.details_rows(obj, names),
            "price_text": reads.price_text(obj),
            "bidding_label": reads.live_bidding_label(obj),
            "price_label": KIND_FACETS[obj.kind]["price"],
            "contact_visible": reads.may_view_contact(request.user, obj),
            "insider": reads.is_insider(request.user, obj),
            "may_edit": obj.status in (*services.EDITABLE, *services.ON_MARKET)
            and can(request.user, "listing.change", obj),
            "buttons": buttons,
            "return_form": ReturnForm() if returnable else None,
            "user": request.user,
        }


class _ListingFormPage(FormPage):
    template_name = "market/listings/form.html"
    context_object_name = "listing"

    def kind_of(self, request: HttpRequest, obj: Listing | None) -> str:
        return obj.kind if obj is not None else request.GET.get("kind", "")

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        choose_org = obj is None and (can(request.user, "listing.review") or not request.user.organization_id)
        initial = None
        org = getattr(request.user, "organization", None) if obj is None else None
        if org is not None:  # a new listing starts where its owner is
            initial = {"province": org.province.code, "city": org.city.code if org.city_id else ""}
        return ListingForm(data, kind=self.kind_of(request, obj), listing=obj, choose_org=choose_org, initial=initial)

    def put_errors(self, form: Any, exc: errors.DomainError) -> None:
        if isinstance(exc, errors.ValidationFailed) and isinstance(exc.details, dict):
            form.put_errors(exc.details)
        else:
            form.add_error(None, str(exc.message))

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        kind = self.kind_of(request, obj)
        return {
            "kind": kind,
            "kind_label": ListingKind(kind).label,
            "on_market": obj is not None and obj.status in services.ON_MARKET,
        }


class ListingCreate(_ListingFormPage):
    creating = True
    permission = "listing.create"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if request.GET.get("kind") not in ListingKind.values:
            self.load(request, **kwargs)
            kinds = [(k, ListingKind(k).label, KIND_HELP[k]) for k in ListingKind.values]
            return render(request, "market/listings/choose_kind.html", {"kinds": kinds})
        return super().get(request, **kwargs)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if request.GET.get("kind") not in ListingKind.values:
            return redirect("market:listing_create")
        return super().post(request, **kwargs)

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Listing:
        data = {"kind": form.kind, **form.to_data()}
        return services.listing_create(actor=request.user, data=data)

    def success_message(self, saved: Listing) -> str:
        return _("已保存为草稿。确认无误后请提交审核。")


class ListingEdit(_ListingFormPage):
    permission = "listing.change"
    not_found = gettext_lazy("未找到该信息。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Listing:
        return reads.listing_get(viewer=request.user, listing_id=kwargs["pk"])

    def save(self, request: HttpRequest, form: Any, obj: Listing) -> Listing:
        return services.listing_update(actor=request.user, listing_id=obj.pk, data=form.to_data())

    def success_message(self, saved: Listing) -> str:
        return _("修改已保存。")


class MyListings(ListPage):
    template_name = "market/listings/mine.html"
    partial_template = "market/listings/_mine_results.html"
    filter_form = MyListingsFilter
    login_required = True

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Any:
        return reads.my_listings_page(viewer=request.user, cursor=cursor, limit=limit, **(filters or {}))

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Any) -> dict[str, Any]:
        return {
            "list_url": reverse("market:my_listings"),
            "prices": {x.pk: reads.price_text(x) for x in page.items},
            # the next step on each card (submit a draft, publish an approved one): no query per card
            "buttons": {x.pk: _buttons(request, x)[0] for x in page.items},
        }


class ReviewQueue(ListPage):
    template_name = "market/listings/review.html"
    partial_template = "market/listings/_review_results.html"
    login_required = True

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Any:
        if not can(request.user, "listing.review"):
            raise errors.PermissionDenied(_("只有领导小组办公室和省科技厅可以审核技术市场信息。"))
        kind = request.GET.get("kind", "")
        return reads.review_queue_page(
            viewer=request.user, kind=kind if kind in ListingKind.values else "", cursor=cursor, limit=limit
        )

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Any) -> dict[str, Any]:
        return {
            "list_url": reverse("market:review_queue"),
            "prices": {x.pk: reads.price_text(x) for x in page.items},
            "kinds": ListingKind.choices,
            "kind": request.GET.get("kind", ""),
        }


# --- the lifecycle's buttons ----------------------------------------------------------------


def _run_step(request: HttpRequest, t: Transition, pk: int) -> Outcome | None:
    reason = request.POST.get("reason", "") if t.name in ("return", "approve") else ""
    services.listing_run(t.name, actor=request.user, listing_id=pk, reason=reason)
    return None


def _back(request: HttpRequest, pk: int) -> str:
    return safe_next(request, reverse("market:listing_detail", args=[pk]))


listing_transition = transition_view(LISTING, id_kwarg="pk", run=_run_step, back=_back)


# --- XLSX ------------------------------------------------------------------------------------


@domain_errors
def listing_import(request: HttpRequest) -> HttpResponse:
    """Upload a sheet: all rows saved as drafts, or none and every bad row listed."""
    if not request.user.is_authenticated:
        raise errors.NotAuthenticated()
    if not can(request.user, "listing.import"):
        raise errors.PermissionDenied(_("只有机构管理员和运营方可以批量导入。"))
    context: dict[str, Any] = {"kinds": ListingKind.choices, "max_rows": importer.MAX_IMPORT_ROWS}
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > importer.MAX_IMPORT_BYTES:
                    raise errors.ValidationFailed(_("文件过大（上限 2 MB）。"), code="file_too_large")
                dry_run = form.cleaned_data["dry_run"]
                report = importer.listings_import_xlsx(actor=request.user, content=upload.read(), dry_run=dry_run)
            except errors.ValidationFailed as exc:
                rows = exc.details.get("rows") if isinstance(exc.details, dict) else None
                context.update(form=form, error=str(exc.message), row_errors=rows or [])
                return render(request, "market/listings/import.html", context, status=FAILED_POST_STATUS)
            if dry_run:
                context.update(form=ImportForm(), checked=report.rows)
                return render(request, "market/listings/import.html", context)
            messages.success(request, _("已导入 %(n)d 条信息（草稿）。") % {"n": len(report.created)})
            return redirect(reverse("market:my_listings") + "?status=draft")
        context["form"] = form
        return render(request, "market/listings/import.html", context, status=FAILED_POST_STATUS)
    context["form"] = ImportForm()
    return render(request, "market/listings/import.html", context)


@require_GET
def listing_import_template(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    content = exports.import_template_xlsx(kind if kind in ListingKind.values else None)
    return file_download(content, filename="技术市场信息导入模板.xlsx", content_type=exports.XLSX_CONTENT_TYPE)


@require_GET
@domain_errors
def listing_export(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        raise errors.NotAuthenticated()
    scope = "review" if request.GET.get("scope") == "review" else "mine"
    rows = reads.listings_for_export(viewer=request.user, scope=scope)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return file_download(
        exports.listings_export_xlsx(rows),
        filename=f"技术市场信息-{stamp}.xlsx",
        fallback=f"listings-{stamp}.xlsx",
        content_type=exports.XLSX_CONTENT_TYPE,
        private=True,
    )
