"""The home page and the areas still being built."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from nesta.portal.selectors import home_context


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", home_context(request))


COMING_SOON: dict[str, dict[str, Any]] = {
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
    return render(request, "portal/coming_soon.html", {"area": area, **info})
