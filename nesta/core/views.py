"""Web pages of the platform as a whole: home, the areas still being built, the audit log;
and the one place where domain errors become web responses."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from nesta.core import errors
from nesta.core.selectors import audit_list, platforms, taxonomy_tree

# --- domain errors → responses ---------------------------------------------------------------


def domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → login page; refused → 403 page; missing → 404 page; bad cursor → 400 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except errors.NotAuthenticated:
            return redirect_to_login(request.get_full_path())
        except errors.PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.message)) from exc
        except errors.NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except errors.BadRequest as exc:
            return render(request, "400.html", {"message": exc.message}, status=400)

    return wrapper


def login_required_or_redirect(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def is_partial(request: HttpRequest) -> bool:
    """An htmx request that wants only the fragment (not a history restore, which needs the page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def render_page_or_partial(
    request: HttpRequest, page_template: str, partial_template: str, context: dict[str, Any]
) -> HttpResponse:
    response = render(request, partial_template if is_partial(request) else page_template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- home ----------------------------------------------------------------------------------

# What each platform of 三.1 offers, and where on the platform it lives.
PLATFORM_DETAILS: dict[str, dict[str, Any]] = {
    "innovation": {
        "summary": _("调整和完善国家工程中心、重点实验室布局，突出优势产业与领域，重点支持一批，选择晋升一批。"),
        "url_name": "directory:organization_list",
        "query": "?kind=key_laboratory",
        "link": _("查看重点实验室"),
    },
    "transformation": {
        "summary": _(
            "重点支持生产力促进中心、创业中心、技术市场和大学科技园；建设863高技术产业促进中心，"
            "开展技术转移试点，构建区域性产权交易联盟，引导风险投资，加强人才培训。"
        ),
        "url_name": "core:market",
        "query": "",
        "link": _("技术市场"),
    },
    "conditions": {
        "summary": _(
            "以共享机制为核心，建设大型科学仪器协作共用、分析测试、自然科技资源共享、"
            "信息资源共享网络和科技系统信息网络体系。"
        ),
        "url_name": "instruments:list",
        "query": "",
        "link": _("仪器共享"),
    },
    "cooperation": {
        "summary": _(
            "开展与东南沿海地区的“东东”合作，形成交流合作的接洽机制；以对俄合作与东北亚国际合作为重点，"
            "建设国际合作示范基地。"
        ),
        "url_name": "core:cooperation",
        "query": "",
        "link": _("合作平台"),
    },
}


def _organization_counts() -> tuple[list[dict[str, Any]], int]:
    from nesta.directory.models import Organization, OrganizationKind

    rows = dict(Organization.objects.filter(is_active=True).values_list("kind").annotate(n=Count("id")).order_by())
    counts = [
        {"kind": value, "label": label, "count": rows.get(value, 0)}
        for value, label in OrganizationKind.choices
        if rows.get(value)
    ]
    return counts, sum(rows.values())


def _funding_plan() -> dict[str, Any]:
    from nesta.programmes.models import FundingPlanLine

    lines = list(FundingPlanLine.objects.filter(programme=None, province=None).order_by("year"))
    totals = FundingPlanLine.objects.filter(programme=None, province=None).aggregate(
        baseline=Sum("baseline_amount"), additional=Sum("additional_amount")
    )
    years = len(lines)
    baseline = totals["baseline"] or 0
    additional = totals["additional"] or 0
    return {
        "lines": lines,
        "years": years,
        "first_year": lines[0].year if lines else None,
        "last_year": lines[-1].year if lines else None,
        "baseline_per_year": baseline / years if years else 0,
        "baseline_total": baseline,
        "additional_total": additional,
        "grand_total": baseline + additional,
    }


def home(request: HttpRequest) -> HttpResponse:
    from nesta.directory.models import ExpertProfile, Organization, Person
    from nesta.directory.selectors import high_tech_zones

    platform_cards = []
    for p in platforms():
        detail = PLATFORM_DETAILS.get(p.code, {})
        platform_cards.append(
            {
                "platform": p,
                "summary": detail.get("summary") or p.summary,
                "url_name": detail.get("url_name"),
                "query": detail.get("query", ""),
                "link": detail.get("link"),
            }
        )
    zones = high_tech_zones()
    member_counts = dict(
        Organization.objects.filter(zone__in=zones).values_list("zone").annotate(n=Count("id")).order_by()
    )
    for z in zones:
        z.member_count = member_counts.get(z.pk, 0)
    org_counts, org_total = _organization_counts()
    context = {
        "platform_cards": platform_cards,
        "taxonomy": taxonomy_tree(),
        "zones": zones,
        "funding": _funding_plan(),
        "org_counts": org_counts,
        "org_total": org_total,
        "expert_total": ExpertProfile.objects.count(),
        "person_total": Person.objects.count(),
    }
    return render(request, "core/home.html", context)


# --- areas still being built ---------------------------------------------------------------

COMING_SOON: dict[str, dict[str, Any]] = {
    "market": {
        "title": _("技术市场"),
        "section": _("三.1 科技转化平台"),
        "scope": _("科技成果与技术需求的中文智能匹配、技术合同登记、产权交易挂牌、投资机构与项目对接、人才培训。"),
    },
    "projects": {
        "title": _("重点项目"),
        "section": _("三.2 重点项目"),
        "scope": _("计划与指南发布、项目申报、形式审查、回避冲突的专家评审分配、预算内立项决策、合同、里程碑与验收。"),
    },
    "cooperation": {
        "title": _("合作平台"),
        "section": _("三.1 科技合作平台"),
        "scope": _("“东东”合作与对俄及东北亚合作的供需对接、合作协议登记、国际合作示范基地。"),
    },
    "strategy": {
        "title": _("战略研究"),
        "section": _("三.1 振兴东北地区发展战略研究"),
        "scope": _("研究专题、专家东北行活动（5–10次）与专题论坛（每年1–2次）的组织与参与者、专项研究报告及目标进展。"),
    },
}


def coming_soon(request: HttpRequest, area: str) -> HttpResponse:
    info = COMING_SOON.get(area)
    if info is None:
        raise Http404
    return render(request, "core/coming_soon.html", {"area": area, **info})


# --- audit log -----------------------------------------------------------------------------

AUDIT_OBJECT_TYPES = [
    ("", _("全部")),
    ("directory.organization", _("机构")),
    ("directory.person", _("人员")),
    ("accounts.user", _("用户")),
    ("accounts.roleassignment", _("角色授权")),
]


@domain_errors
def audit_log(request: HttpRequest) -> HttpResponse:
    object_type = request.GET.get("object_type", "")
    if object_type not in {value for value, _label in AUDIT_OBJECT_TYPES}:
        object_type = ""
    page = audit_list(user=request.user, object_type=object_type, cursor=request.GET.get("cursor") or None, limit=50)
    context = {"page": page, "object_types": AUDIT_OBJECT_TYPES, "object_type": object_type}
    return render_page_or_partial(request, "core/audit_log.html", "core/_audit_rows.html", context)
