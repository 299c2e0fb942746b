"""Payer accounts over the API: an organisation's accounts (list, create), one account (read,
change, deactivate through PATCH is_active), its statement, and the accounts the caller may
charge bookings and orders to. Thin wrappers over services.payers and selectors.payers."""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from nesta.core.api_auth import api_user_required, login_required
from nesta.core.inputs import BoundedInt, CleanText, LocalDate, Money
from nesta.core.schemas import ErrorOut
from nesta.directory.schemas import ID_MAX
from nesta.instruments.models import PayerAccount
from nesta.instruments.selectors import payers as selectors
from nesta.instruments.services import payers as services

router = Router(tags=["payer accounts"])
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 409: ErrorOut, 503: ErrorOut}


class AccountIn(Schema):
    code: CleanText(40, min_length=1, multiline=False) = Field(..., description="经费卡号/项目编号，单位内唯一")
    name: CleanText(120, min_length=1, multiline=False)
    kind: PayerAccount.Kind = PayerAccount.Kind.CARD
    holder_id: BoundedInt(1, ID_MAX) | None = Field(None, description="负责人（本单位用户）")
    valid_from: LocalDate | None = None
    valid_until: LocalDate | None = None
    spending_limit: Money | None = Field(None, description="支出上限（元）；不填为不设上限")
    note: CleanText(200, multiline=False) = ""


class AccountPatch(Schema):
    code: CleanText(40, min_length=1, multiline=False) | None = None
    name: CleanText(120, min_length=1, multiline=False) | None = None
    kind: PayerAccount.Kind | None = None
    holder_id: BoundedInt(1, ID_MAX) | None = None
    valid_from: LocalDate | None = None
    valid_until: LocalDate | None = None
    spending_limit: Money | None = None
    note: CleanText(200, multiline=False) | None = None
    is_active: bool | None = Field(None, description="false 停用（已使用的账户不删除，只停用）")


class AccountOut(Schema):
    id: int
    organization_id: int
    organization_name: str
    code: str
    name: str
    kind: str
    kind_display: str
    holder_id: int | None
    holder_name: str | None
    valid_from: date | None
    valid_until: date | None
    spending_limit: Decimal | None
    is_active: bool
    note: str
    created_at: datetime


class AccountDetailOut(AccountOut):
    spent: Decimal
    committed: Decimal
    remaining: Decimal | None


class AccountPage(Schema):
    items: list[AccountOut]
    next_cursor: str | None


class AccountQuery(Schema):
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=100)
    active: bool | None = None


class MonthOut(Schema):
    month: str
    amount: Decimal
    count: int


class InstrumentTotalOut(Schema):
    instrument_id: int
    instrument_name: str
    owner_name: str
    amount: Decimal
    count: int


class LineOut(Schema):
    charge_id: int
    date: date
    instrument_name: str
    kind: str
    item: str
    user_name: str
    quantity: Decimal
    unit: str
    rate: Decimal
    amount: Decimal
    usage_session_id: int | None
    order_id: int | None


class AccountStatementOut(Schema):
    account: AccountOut
    title: str
    spending_limit: Decimal | None
    spent: Decimal
    committed: Decimal
    remaining: Decimal | None
    months: list[MonthOut]
    instruments: list[InstrumentTotalOut]
    rows: list[LineOut]
    rows_truncated: bool


def account_out(a: PayerAccount) -> dict:
    return {
        "id": a.pk,
        "organization_id": a.organization_id,
        "organization_name": a.organization.name,
        "code": a.code,
        "name": a.name,
        "kind": a.kind,
        "kind_display": str(a.get_kind_display()),
        "holder_id": a.holder_id,
        "holder_name": str(a.holder) if a.holder_id else None,
        "valid_from": a.valid_from,
        "valid_until": a.valid_until,
        "spending_limit": a.spending_limit,
        "is_active": a.is_active,
        "note": a.note,
        "created_at": a.created_at,
    }


def _detail(user, account_id: int) -> dict:
    statement = selectors.account_figures(actor=user, account_id=account_id)
    return {
        **account_out(statement.account),
        "spent": statement.spent,
        "committed": statement.committed,
        "remaining": statement.remaining,
    }


def _data(payload: Schema, *, unset: bool) -> dict:
    data = payload.model_dump(exclude_unset=unset, exclude={"is_active"})
    if "holder_id" in data:
        data["holder"] = data.pop("holder_id")
    if "kind" in data and data["kind"] is not None:
        data["kind"] = str(data["kind"].value if hasattr(data["kind"], "value") else data["kind"])
    return data


@router.get(
    "/organizations/{org_id}/accounts",
    response={200: AccountPage, **READ_ERRORS},
    auth=login_required,
    summary="单位的经费账户（单位管理员、省厅、办公室；负责人看到自己负责的）",
)
def list_accounts(request: HttpRequest, query: Query[AccountQuery], org_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    page = selectors.accounts_page(
        actor=user, organization_id=org_id, cursor=query.cursor, limit=query.limit, active=query.active
    )
    return {"items": [account_out(a) for a in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/organizations/{org_id}/accounts",
    response={201: AccountOut, **WRITE_ERRORS},
    summary="新增经费账户（单位管理员、办公室）",
)
def create_account(request: HttpRequest, payload: AccountIn, org_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    account = services.payer_account_create(actor=user, organization_id=org_id, data=_data(payload, unset=False))
    return Status(201, account_out(selectors.account_get(actor=user, account_id=account.pk)))


@router.get(
    "/me/accounts",
    response={200: list[AccountOut], 401: ErrorOut},
    auth=login_required,
    summary="我可使用的经费账户（本单位在用的账户；预约和测试订单的 account_id）",
)
def my_accounts(request: HttpRequest):
    user = api_user_required(request)
    return [account_out(a) for a in selectors.usable_accounts(user)]


@router.get(
    "/accounts/{account_id}",
    response={200: AccountDetailOut, **READ_ERRORS},
    auth=login_required,
    summary="经费账户（含已支出、已预约未结算、剩余额度）",
)
def get_account(request: HttpRequest, account_id: int = Path(..., ge=1, le=ID_MAX)):
    return _detail(api_user_required(request), account_id)


@router.patch(
    "/accounts/{account_id}",
    response={200: AccountDetailOut, **WRITE_ERRORS},
    summary="修改或停用经费账户（单位管理员、办公室）",
)
def patch_account(request: HttpRequest, payload: AccountPatch, account_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    data = _data(payload, unset=True)
    if data:
        services.payer_account_update(actor=user, account_id=account_id, data=data)
    if payload.is_active is not None:
        services.payer_account_set_active(actor=user, account_id=account_id, active=payload.is_active)
    if not data and payload.is_active is None:
        services.payer_account_update(actor=user, account_id=account_id, data={})  # the permission check
    return _detail(user, account_id)


@router.get(
    "/accounts/{account_id}/statement",
    response={200: AccountStatementOut, **READ_ERRORS},
    auth=login_required,
    summary="经费账户对账单：按月、按仪器汇总与明细，上限与已用",
)
def account_statement(request: HttpRequest, account_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    s = selectors.account_statement(actor=user, account_id=account_id)
    return {
        "account": account_out(s.account),
        "title": s.title,
        "spending_limit": s.limit,
        "spent": s.spent,
        "committed": s.committed,
        "remaining": s.remaining,
        "months": [m.__dict__ for m in s.months],
        "instruments": [i.__dict__ for i in s.instruments],
        "rows": [r.__dict__ for r in s.rows],
        "rows_truncated": s.rows_truncated,
    }
