"""Reading payer accounts: an organisation's list, the accounts a user may charge to (the booking
and order forms), and an account's statement — charges by month and by instrument, totals, and
its limit against what is spent and committed. Each read is a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from nesta.core.errors import NotFound
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import can, grants_of, require, restrict
from nesta.directory.models import Organization
from nesta.instruments.models import Charge, PayerAccount
from nesta.instruments.policy import LOCAL
from nesta.instruments.selectors.fees import KINDS, UNITS
from nesta.instruments.services.payers import ZERO, Usage, account_target, account_usage

ROW_LIMIT = 2000  # statement lines shown (the totals count every charge)
BAR_HEIGHT = 80  # px of the monthly chart's tallest bar
BAR_STEP = 36  # px from one month's bar to the next


def _base() -> QuerySet[PayerAccount]:
    return PayerAccount.objects.select_related("organization__province", "holder")


def organization_for_accounts(*, actor: Any, organization_id: int) -> Organization:
    org = Organization.objects.select_related("province").filter(pk=organization_id).first()
    if org is None:
        raise NotFound()
    return org


def accounts_page(
    *,
    actor: Any,
    organization_id: int,
    cursor: str | None = None,
    limit: int | None = None,
    active: bool | None = None,
) -> Page[PayerAccount]:
    """The accounts of one organisation `actor` may see (the admin: all; a holder: theirs),
    keyset-paged by id."""
    org = organization_for_accounts(actor=actor, organization_id=organization_id)
    qs = restrict(
        actor,
        "account.view",
        _base().filter(organization=org),
        province_field="organization__province__code",
        organization_field="organization_id",
        user_field="holder_id",
    )
    if active is not None:
        qs = qs.filter(is_active=active)
    return keyset_page(qs, cursor=cursor, limit=limit, default_limit=50)


def account_get(*, actor: Any, account_id: int) -> PayerAccount:
    """One account `actor` may see (404 otherwise, also for one they may not see)."""
    account = _base().filter(pk=account_id).first()
    if account is None or not can(actor, "account.view", account_target(account)):
        raise NotFound()
    return account


def can_manage(actor: Any, organization: Organization | PayerAccount) -> bool:
    target = account_target(organization) if isinstance(organization, PayerAccount) else organization
    return can(actor, "account.manage", target)


def managed_organizations(actor: Any) -> list[Organization]:
    """The organisations whose accounts `actor` manages (the page's organisation picker): the
    admin's own; the office picks by ?org=."""
    ids = [g.organization_id for g in grants_of(actor) if g.role == "org_admin" and g.organization_id]
    if not ids and getattr(actor, "organization_id", None):
        ids = [actor.organization_id]
    return list(Organization.objects.select_related("province").filter(pk__in=ids).order_by("name"))


def usable_accounts(user: Any, *, on: date | None = None) -> list[PayerAccount]:
    """The accounts `user` may charge to: the active accounts of their organisation (valid on
    `on`, when given), the ones they hold first."""
    org_id = getattr(user, "organization_id", None)
    if not getattr(user, "is_authenticated", False) or not org_id:
        return []
    qs = PayerAccount.objects.filter(organization_id=org_id, is_active=True)
    if on is not None:
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        qs = qs.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    accounts = list(qs.order_by("code")[:200])
    accounts.sort(key=lambda a: (a.holder_id != user.pk, a.code))
    return accounts


def default_account(user: Any, accounts: list[PayerAccount]) -> PayerAccount | None:
    """What a form preselects: the one account of the organisation, or the one the user holds.
    Never guessed when there is a choice (and the API never guesses: no account_id, no account)."""
    if len(accounts) == 1:
        return accounts[0]
    held = [a for a in accounts if a.holder_id == user.pk]
    return held[0] if len(held) == 1 else None


# --- the statement ----------------------------------------------------------------------------


@dataclass
class MonthTotal:
    month: str  # YYYY-MM
    amount: Decimal
    count: int
    bar: int = 0  # the chart's bar: height, and where it stands (px)
    x: int = 0
    y: int = 0


@dataclass
class InstrumentTotal:
    instrument_id: int
    instrument_name: str
    owner_name: str
    amount: Decimal
    count: int


@dataclass
class AccountLine:
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


@dataclass
class AccountStatement:
    account: PayerAccount
    usage: Usage
    months: list[MonthTotal] = field(default_factory=list)
    instruments: list[InstrumentTotal] = field(default_factory=list)
    rows: list[AccountLine] = field(default_factory=list)
    rows_truncated: bool = False

    @property
    def spent(self) -> Decimal:
        return self.usage.spent

    @property
    def committed(self) -> Decimal:
        return self.usage.committed

    @property
    def limit(self) -> Decimal | None:
        return self.account.spending_limit

    @property
    def remaining(self) -> Decimal | None:
        if self.account.spending_limit is None:
            return None
        return max(self.account.spending_limit - self.usage.used, ZERO)

    @property
    def chart_width(self) -> int:
        return max(len(self.months), 1) * BAR_STEP

    @property
    def title(self) -> str:
        a = self.account
        return f"经费账户对账单 — {a.code} {a.name}（{a.organization.name}）"


def account_figures(*, actor: Any, account_id: int) -> AccountStatement:
    """An account with its limit, spent and committed, without the lines (account.view)."""
    account = _base().filter(pk=account_id).first()
    if account is None:
        raise NotFound()
    require(actor, "account.view", account_target(account))
    return AccountStatement(account=account, usage=account_usage(account.pk))


def account_statement(*, actor: Any, account_id: int) -> AccountStatement:
    """Everything charged to one account (account.view): by month (local), by instrument, the
    lines (newest last, at most ROW_LIMIT), and the limit against spent + committed."""
    statement = account_figures(actor=actor, account_id=account_id)
    charges = Charge.objects.filter(account_id=account_id)
    by_month = (
        charges.order_by()
        .annotate(m=TruncMonth("occurred_at", tzinfo=LOCAL))
        .values("m")
        .annotate(s=Sum("amount"), n=Count("id"))
        .order_by("m")
    )
    for g in by_month:
        statement.months.append(MonthTotal(month=f"{g['m']:%Y-%m}", amount=g["s"] or ZERO, count=g["n"]))
    tallest = max((m.amount for m in statement.months), default=ZERO)
    for n, m in enumerate(statement.months):
        m.bar = int(BAR_HEIGHT * m.amount / tallest) if tallest > 0 else 0
        m.x, m.y = n * BAR_STEP, BAR_HEIGHT - m.bar
    by_instrument = (
        charges.order_by()
        .values("instrument_id", "instrument__name", "instrument__owner__name")
        .annotate(s=Sum("amount"), n=Count("id"))
        .order_by("-s", "instrument_id")
    )
    for t in by_instrument:
        statement.instruments.append(
            InstrumentTotal(
                instrument_id=t["instrument_id"],
                instrument_name=t["instrument__name"],
                owner_name=t["instrument__owner__name"] or "",
                amount=t["s"] or ZERO,
                count=t["n"],
            )
        )
    lines = list(charges.select_related("instrument", "user").order_by("occurred_at", "id")[: ROW_LIMIT + 1])
    statement.rows_truncated = len(lines) > ROW_LIMIT
    for c in lines[:ROW_LIMIT]:
        statement.rows.append(
            AccountLine(
                charge_id=c.pk,
                date=timezone.localtime(c.occurred_at, LOCAL).date(),
                instrument_name=c.instrument.name,
                kind=c.kind,
                item=c.description or KINDS.get(c.kind, c.kind),
                user_name=str(c.user),
                quantity=c.quantity,
                unit=UNITS.get(c.unit, c.unit),
                rate=c.rate,
                amount=c.amount,
                usage_session_id=c.usage_session_id,
                order_id=c.order_id,
            )
        )
    return statement


def holder_choices(organization_id: int) -> list[tuple[int, str]]:
    """The users who may hold an account of the organisation (the form's choices), by name."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(organization_id=organization_id, is_active=True).order_by("pk")[:500]
    return [(u.pk, str(u)) for u in users]
