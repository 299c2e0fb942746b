"""Fees over the API: the monthly statement of a customer organisation, as JSON and as XLSX."""

from datetime import date
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Schema
from pydantic import Field

from nesta.core.api_auth import api_user_required
from nesta.core.schemas import ErrorOut
from nesta.directory.schemas import ID_MAX
from nesta.instruments import exports
from nesta.instruments.selectors import fees as selectors
from nesta.instruments.selectors.fees import Statement

router = Router(tags=["fees"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class MonthQuery(Schema):
    month: str = Field(..., min_length=7, max_length=7, pattern=r"^\d{4}-\d{2}$", description="YYYY-MM，如 2026-11")


class StatementRowOut(Schema):
    charge_id: int
    date: date
    instrument_id: int
    instrument_name: str
    owner_id: int
    owner_name: str
    kind: str
    item: str
    user_name: str
    is_external: bool
    quantity: Decimal
    unit: str
    rate: Decimal
    amount: Decimal
    usage_session_id: int | None
    order_id: int | None


class StatementOut(Schema):
    organization_id: int
    organization_name: str
    month: str
    title: str
    rows: list[StatementRowOut]
    total_internal: Decimal
    total_external: Decimal
    total: Decimal


def _statement(request: HttpRequest, org_id: int, month: str) -> Statement:
    user = api_user_required(request)
    year, mon = selectors.parse_month(month)
    return selectors.fee_statement(actor=user, organization_id=org_id, year=year, month=mon)


@router.get(
    "/organizations/{org_id}/statement",
    response={200: StatementOut, **ERRORS},
    summary="单位月度仪器使用费用对账单（单位管理员、省厅、办公室）",
)
def statement(request: HttpRequest, query: Query[MonthQuery], org_id: int = Path(..., ge=1, le=ID_MAX)):
    s = _statement(request, org_id, query.month)
    return {
        "organization_id": s.organization_id,
        "organization_name": s.organization_name,
        "month": f"{s.year}-{s.month:02d}",
        "title": s.title,
        "rows": [row.__dict__ for row in s.rows],
        "total_internal": s.total_internal,
        "total_external": s.total_external,
        "total": s.total,
    }


@router.get(
    "/organizations/{org_id}/statement.xlsx",
    response=ERRORS,
    summary="单位月度费用对账单 XLSX",
    openapi_extra={
        "responses": {
            200: {
                "description": "XLSX",
                "content": {exports.XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def statement_xlsx(request: HttpRequest, query: Query[MonthQuery], org_id: int = Path(..., ge=1, le=ID_MAX)):
    s = _statement(request, org_id, query.month)
    response = HttpResponse(exports.statement_xlsx(s), content_type=exports.XLSX_CONTENT_TYPE)
    filename = f"对账单_{s.year}-{s.month:02d}_{s.organization_name}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response
