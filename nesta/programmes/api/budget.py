"""The programmes API: the budget view (plan, committed, paid, remaining — derived, never stored)."""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from nesta.core.api_auth import api_user, login_required
from nesta.core.schemas import ErrorOut
from nesta.programmes.selectors.budget import budget_view

router = Router(tags=["programmes"])


class BudgetQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="年度（指南年度）")
    province: str | None = Field(None, pattern=r"^\d{6}$", description="省份代码")
    programme: str | None = Field(None, max_length=40, pattern=r"^[a-z0-9-]+$", description="计划代码")


class BudgetRowOut(Schema):
    year: int | None
    programme: str | None
    province: str | None
    label: str
    plan: Decimal
    committed: Decimal
    paid: Decimal
    remaining: Decimal


class ProgrammeBudgetOut(Schema):
    year: int | None
    province: str | None
    programme: str | None
    plan: Decimal
    committed: Decimal
    paid: Decimal
    remaining: Decimal
    rows: list[BudgetRowOut]
    by_programme: list[BudgetRowOut]
    by_province: list[BudgetRowOut]
    by_year: list[BudgetRowOut]


@router.get(
    "/budget",
    response={200: ProgrammeBudgetOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    auth=login_required,
    summary="经费执行：计划、已承诺（立项资助与核定贴息）、已拨付、剩余（均由记录汇总）",
    description=(
        "已承诺 = 立项资助、执行中、结题验收中、已结题项目的资助金额 + 验收不通过项目已拨付的金额"
        " + 已核定或已拨付的贴息；已拨付 = 拨款记录 + 已拨付的贴息；剩余 = 计划 − 已承诺。"
        "省科技厅只能查看本省。"
    ),
)
def get_budget(request: HttpRequest, query: Query[BudgetQuery]):
    view = budget_view(viewer=api_user(request), year=query.year, province=query.province, programme=query.programme)
    return {
        "year": view.year,
        "province": view.province,
        "programme": view.programme,
        "plan": view.plan,
        "committed": view.committed,
        "paid": view.paid,
        "remaining": view.remaining,
        "rows": [r.as_dict() for r in view.rows],
        "by_programme": [r.as_dict() for r in view.by_programme],
        "by_province": [r.as_dict() for r in view.by_province],
        "by_year": [r.as_dict() for r in view.by_year],
    }
