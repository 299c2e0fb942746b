"""The monthly fee statement (对账单) of a customer organisation: every charge of the month."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.errors import NotFound, ValidationFailed
from nesta.core.permissions import require
from nesta.directory.models import Organization
from nesta.instruments.models import Charge

LOCAL = ZoneInfo("Asia/Shanghai")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
# A statement is a Chinese document whatever language the request speaks.
UNITS = {"hour": "小时", "sample": "样", "order": "单"}
KINDS = {"usage_hours": "机时费", "usage_samples": "测样费", "order": "测试服务费"}
ZERO = Decimal("0.00")


def parse_month(value: str) -> tuple[int, int]:
    """ "2026-11" → (2026, 11); years 2000–2100."""
    match = MONTH_RE.match(value or "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    raise ValidationFailed(details={"month": [_("月份格式应为 YYYY-MM，例如 2026-11。")]})


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=LOCAL)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=LOCAL)
    return start, end


@dataclass
class StatementRow:
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
    account_id: int | None = None
    account_code: str = ""  # 经费账户 the line is charged to ("" none)
    account_name: str = ""


@dataclass
class AccountSubtotal:
    """按经费账户: one account's part of the month (account None: lines charged to no account)."""

    account_id: int | None
    code: str
    name: str
    amount: Decimal
    count: int


@dataclass
class Statement:
    organization_id: int
    organization_name: str
    year: int
    month: int
    rows: list[StatementRow] = field(default_factory=list)
    total_internal: Decimal = ZERO
    total_external: Decimal = ZERO
    by_account: list[AccountSubtotal] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.total_internal + self.total_external

    @property
    def title(self) -> str:
        return f"{self.year}年{self.month}月 仪器使用费用对账单 — {self.organization_name}"


def fee_statement(*, actor: Any, organization_id: int, year: int, month: int) -> Statement:
    """The charges incurred by `organization_id`'s users in one month (Asia/Shanghai), in time
    order, with the month's internal and external totals (fees.view on the organisation)."""
    org = Organization.objects.select_related("province").filter(pk=organization_id).first()
    if org is None:
        raise NotFound()
    require(actor, "fees.view", org)
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationFailed(details={"month": [_("月份格式应为 YYYY-MM，例如 2026-11。")]})
    start, end = month_bounds(year, month)
    statement = Statement(organization_id=org.pk, organization_name=org.name, year=year, month=month)
    charges = (
        Charge.objects.filter(organization_id=org.pk, occurred_at__gte=start, occurred_at__lt=end)
        .select_related("instrument__owner", "user", "account")
        .order_by("occurred_at", "id")
    )
    accounts: dict[int | None, AccountSubtotal] = {}
    for c in charges:
        row = StatementRow(
            charge_id=c.pk,
            date=timezone.localtime(c.occurred_at, LOCAL).date(),
            instrument_id=c.instrument_id,
            instrument_name=c.instrument.name,
            owner_id=c.instrument.owner_id,
            owner_name=c.instrument.owner.name,
            kind=c.kind,
            item=c.description or KINDS.get(c.kind, c.kind),
            user_name=str(c.user),
            is_external=c.is_external,
            quantity=c.quantity,
            unit=UNITS.get(c.unit, c.unit),
            rate=c.rate,
            amount=c.amount,
            usage_session_id=c.usage_session_id,
            order_id=c.order_id,
            account_id=c.account_id,
            account_code=c.account.code if c.account is not None else "",
            account_name=c.account.name if c.account is not None else "",
        )
        statement.rows.append(row)
        part = accounts.get(c.account_id)
        if part is None:
            part = accounts[c.account_id] = AccountSubtotal(c.account_id, row.account_code, row.account_name, ZERO, 0)
        part.amount += c.amount
        part.count += 1
        if c.is_external:
            statement.total_external += c.amount
        else:
            statement.total_internal += c.amount
    # accounts by code, the lines charged to no account last
    statement.by_account = sorted(accounts.values(), key=lambda a: (a.account_id is None, a.code))
    return statement
