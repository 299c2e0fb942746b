"""Who pays: an organisation's payer accounts (科研项目 / 经费卡号) and the check that a booking or a
testing order may be charged to one.

The organisation's admin (and the office) create, change and deactivate accounts; an account
that was used is never deleted, only deactivated. `account_check` is called by the booking and
order services under their write lock: the account must belong to the booker's organisation,
be active and valid on the booking's local date, and with a spending limit
`spent + committed + amount <= limit` — spent is the account's charges, committed the estimates
of its bookings not yet used (the booking quote's arithmetic) and its open orders (the quote,
else the list amount). On PostgreSQL the account row is locked so that two bookings of different
instruments cannot both pass the limit; on SQLite the write lock already serialises them.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection
from django.db.models import Count, DecimalField, DurationField, ExpressionWrapper, F, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from nesta.core import validators as v
from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import NotFound, ValidationFailed
from nesta.core.permissions import Target, require
from nesta.core.transactions import write_transaction
from nesta.directory.models import Organization
from nesta.instruments.models import Booking, Charge, Instrument, PayerAccount, TestOrder

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Bookings that hold an estimate on the account: not yet used, so not yet charged.
COMMITTED_BOOKINGS = ("pending", "confirmed", "in_use")
# Orders not yet settled (a settled order is a charge) nor cancelled.
OPEN_ORDERS = ("submitted", "quoted", "confirmed", "received", "testing", "reported")
FIELDS = ("code", "name", "kind", "holder", "valid_from", "valid_until", "spending_limit", "note")
AUDITED = (*FIELDS, "is_active")


def _money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def account_target(account: PayerAccount) -> Target:
    """Where an account sits for the policy: its organisation (and province), its holder."""
    org = account.organization
    return Target(province_code=org.province.code, organization_id=org.pk, user_id=account.holder_id)


# --- the figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    spent: Decimal  # the account's charges
    committed: Decimal  # estimates of bookings not yet used and open orders

    @property
    def used(self) -> Decimal:
        return self.spent + self.committed


def booking_estimates(bookings: Any) -> Decimal:
    """What `bookings` (a queryset) will cost, by the booking quote's arithmetic (hours rounded to
    0.01 h, × the user's hourly rate, rounded to 分, per booking) — one grouped query: bookings of
    one instrument, side (internal/external) and length cost the same, so each group is priced
    once and multiplied by its count."""
    length = ExpressionWrapper(F("end") - F("start"), output_field=DurationField())
    groups = (
        bookings.order_by()
        .annotate(length=length)
        .values(
            "is_external",
            "length",
            "instrument__internal_hourly_rate",
            "instrument__external_hourly_rate",
        )
        .annotate(n=Count("id"))
    )
    total = ZERO
    for g in groups:
        rate = g["instrument__external_hourly_rate" if g["is_external"] else "instrument__internal_hourly_rate"]
        total += time_estimate(g["length"].total_seconds(), Decimal(rate)) * g["n"]
    return total


def time_estimate(seconds: float, hourly_rate: Decimal) -> Decimal:
    """selectors.quote.booking_quote's time amount: hours rounded to 0.01 h, × rate, to 分."""
    hours = (Decimal(max(int(seconds), 0)) / Decimal(3600)).quantize(CENT, rounding=ROUND_HALF_UP)
    return _money(hours * hourly_rate)


def booking_estimate(instrument: Instrument, *, is_external: bool, start: Any, end: Any) -> Decimal:
    """What one booking of [start, end) will cost (the quote's figure, without samples)."""
    rate = instrument.external_hourly_rate if is_external else instrument.internal_hourly_rate
    return time_estimate((end - start).total_seconds(), Decimal(rate))


def account_usage(
    account_id: int, *, exclude_booking_id: int | None = None, exclude_order_id: int | None = None
) -> Usage:
    """Spent and committed on one account (three aggregate queries, whatever the number of rows)."""
    spent = Charge.objects.filter(account_id=account_id).aggregate(s=Sum("amount"))["s"] or ZERO
    bookings = Booking.objects.filter(account_id=account_id, status__in=COMMITTED_BOOKINGS)
    if exclude_booking_id is not None:
        bookings = bookings.exclude(pk=exclude_booking_id)
    orders = TestOrder.objects.filter(account_id=account_id, status__in=OPEN_ORDERS)
    if exclude_order_id is not None:
        orders = orders.exclude(pk=exclude_order_id)
    amount = Coalesce("quoted_amount", "list_amount", output_field=DecimalField(max_digits=14, decimal_places=2))
    open_orders = orders.aggregate(s=Sum(amount))["s"] or ZERO
    return Usage(spent=_money(spent), committed=_money(booking_estimates(bookings) + open_orders))


# --- the check the booking and order services call -------------------------------------------


def _lock(account_id: int) -> PayerAccount | None:
    qs = PayerAccount.objects.select_related("organization")
    if connection.features.has_select_for_update:
        qs = qs.select_for_update(of=("self",))
    return qs.filter(pk=account_id).first()


def account_check(
    *,
    user: Any,
    account_id: int,
    instrument: Instrument | None,
    amount: Decimal,
    occurs_on: date,
    exclude_booking_id: int | None = None,
    exclude_order_id: int | None = None,
) -> PayerAccount:
    """The account `user` (the booker or customer) charges `amount` to for use on `occurs_on`
    (local date). Call inside the write transaction, before the insert or update: it locks the
    account row (PostgreSQL) so that the limit holds when bookings race. `exclude_*` is the
    booking being moved or the order being re-quoted, whose old estimate no longer counts."""
    account = _lock(account_id)
    field = "account_id"
    if account is None or account.organization_id is None or account.organization_id != user.organization_id:
        raise ValidationFailed(
            _("经费账户无效：只能使用本单位的经费账户。"),
            code="account_invalid",
            details={field: [_("不是本单位的经费账户。")]},
        )
    if not account.is_active:
        raise ValidationFailed(
            _("经费账户“%(a)s”已停用。") % {"a": account},
            code="account_inactive",
            details={field: [_("该账户已停用。")]},
        )
    if account.valid_until is not None and occurs_on > account.valid_until:
        raise ValidationFailed(
            _("经费账户“%(a)s”有效期至 %(d)s，不能用于 %(on)s 的费用。")
            % {"a": account, "d": account.valid_until, "on": occurs_on},
            code="account_expired",
            details={field: [_("已过有效期。")], "valid_until": account.valid_until.isoformat()},
        )
    if account.valid_from is not None and occurs_on < account.valid_from:
        raise ValidationFailed(
            _("经费账户“%(a)s”自 %(d)s 起生效，不能用于 %(on)s 的费用。")
            % {"a": account, "d": account.valid_from, "on": occurs_on},
            code="account_expired",
            details={field: [_("尚未生效。")], "valid_from": account.valid_from.isoformat()},
        )
    if account.spending_limit is not None:
        usage = account_usage(account.pk, exclude_booking_id=exclude_booking_id, exclude_order_id=exclude_order_id)
        amount = _money(amount)
        limit = account.spending_limit
        if usage.used + amount > limit:
            remaining = max(limit - usage.used, ZERO)
            message = _(
                "经费账户“%(a)s”支出上限 %(limit)s 元，已支出 %(spent)s 元、已预约未结算 %(committed)s 元，"
                "剩余 %(left)s 元；本次预计 %(amount)s 元，超出上限。"
            ) % {
                "a": account,
                "limit": limit,
                "spent": usage.spent,
                "committed": usage.committed,
                "left": remaining,
                "amount": amount,
            }
            raise ValidationFailed(
                message,
                code="account_limit_exceeded",
                details={
                    field: [message],
                    "account": str(account),
                    "limit": str(limit),
                    "spent": str(usage.spent),
                    "committed": str(usage.committed),
                    "remaining": str(remaining),
                    "amount": str(amount),
                },
            )
    return account


# --- managing accounts ------------------------------------------------------------------------


def _clean(data: dict[str, Any], organization_id: int) -> dict[str, Any]:
    """The typed, bounded values of `data` (only the keys given)."""
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValidationFailed(details={k: [_("不支持的字段。")] for k in unknown})
    out: dict[str, Any] = {}
    errors: dict[str, list[Any]] = {}

    def take(name: str, check: Any) -> None:
        if name in data:
            try:
                out[name] = check(data[name])
            except ValidationFailed as exc:
                errors.update(exc.details)

    take("code", lambda x: v.clean_text(x, field="code", max_length=40, required=True, multiline=False))
    take("name", lambda x: v.clean_text(x, field="name", max_length=120, required=True, multiline=False))
    take("note", lambda x: v.clean_text(x, field="note", max_length=200, multiline=False))
    take("kind", lambda x: _kind(x))
    take("valid_from", lambda x: None if x in (None, "") else v.local_date(x, field="valid_from"))
    take("valid_until", lambda x: None if x in (None, "") else v.local_date(x, field="valid_until"))
    take("spending_limit", lambda x: v.money_yuan(x, field="spending_limit", required=False))
    take("holder", lambda x: _holder(x, organization_id))
    if errors:
        raise ValidationFailed(details=errors)
    return out


def _kind(value: Any) -> str:
    if value not in PayerAccount.Kind.values:
        raise ValidationFailed(details={"kind": [_("类型应为 project、card 或 other。")]})
    return str(value)


def _holder(value: Any, organization_id: int) -> Any:
    """The holder: an active user of the account's organisation (or none)."""
    if value in (None, ""):
        return None
    pk = getattr(value, "pk", value)
    pk = v.bounded_int(pk, field="holder", minimum=1, maximum=v.INT_MAX)
    user = get_user_model().objects.filter(pk=pk, is_active=True, organization_id=organization_id).first()
    if user is None:
        raise ValidationFailed(details={"holder": [_("负责人须为本单位的在用用户。")]})
    return user


def _check_dates(account: PayerAccount) -> None:
    if account.valid_from and account.valid_until and account.valid_until < account.valid_from:
        raise ValidationFailed(details={"valid_until": [_("有效期止不能早于有效期起。")]})


def _save(account: PayerAccount) -> None:
    _check_dates(account)
    try:
        account.save()
    except IntegrityError as exc:  # uniq_payer_account_code (the check above keeps the others)
        raise ValidationFailed(
            _("本单位已有编号为“%(c)s”的经费账户。") % {"c": account.code},
            code="duplicate_code",
            details={"code": [_("编号已存在。")]},
        ) from exc


def _duplicate(account: PayerAccount) -> None:
    same = PayerAccount.objects.filter(organization_id=account.organization_id, code=account.code)
    if account.pk:
        same = same.exclude(pk=account.pk)
    if same.exists():
        raise ValidationFailed(
            _("本单位已有编号为“%(c)s”的经费账户。") % {"c": account.code},
            code="duplicate_code",
            details={"code": [_("编号已存在。")]},
        )


def payer_account_create(*, actor: Any, organization_id: int, data: dict[str, Any]) -> PayerAccount:
    """A new account of `organization_id` (account.manage on the organisation)."""
    org = Organization.objects.select_related("province").filter(pk=organization_id).first()
    if org is None:
        raise NotFound()
    require(actor, "account.manage", org)
    values = _clean(data, org.pk)
    missing = {k: [_("此字段为必填项。")] for k in ("code", "name") if k not in values}
    if missing:
        raise ValidationFailed(details=missing)
    account = PayerAccount(organization=org, **values)
    with write_transaction():
        _duplicate(account)
        _save(account)
        changes = diff({}, snapshot(account, list(AUDITED)))
        audit_record(actor=actor, action="payer_account.created", instance=account, changes=changes)
    return account


def _locked(actor: Any, account_id: int) -> PayerAccount:
    qs = PayerAccount.objects.select_related("organization__province")
    if connection.features.has_select_for_update:
        qs = qs.select_for_update(of=("self",))
    account = qs.filter(pk=account_id).first()
    if account is None:
        raise NotFound()
    require(actor, "account.manage", account_target(account))
    return account


def payer_account_update(*, actor: Any, account_id: int, data: dict[str, Any]) -> PayerAccount:
    """Change an account's fields (not its organisation). A lower limit applies to what is booked
    from now on; bookings already made stay."""
    with write_transaction():
        account = _locked(actor, account_id)
        values = _clean(data, account.organization_id)
        before = snapshot(account, list(AUDITED))
        for name, value in values.items():
            setattr(account, name, value)
        _duplicate(account)
        changes = diff(before, snapshot(account, list(AUDITED)))
        if changes:
            _save(account)
            audit_record(actor=actor, action="payer_account.updated", instance=account, changes=changes)
    return account


def payer_account_set_active(*, actor: Any, account_id: int, active: bool) -> PayerAccount:
    """Deactivate (or reactivate) an account. An account is never deleted once used: its bookings,
    orders and charges keep pointing at it; a deactivated one takes no new bookings."""
    with write_transaction():
        account = _locked(actor, account_id)
        if account.is_active != active:
            account.is_active = active
            account.save(update_fields=["is_active", "updated_at"])
            event = "payer_account.reactivated" if active else "payer_account.deactivated"
            audit_record(actor=actor, action=event, instance=account, changes={"is_active": [not active, active]})
    return account


def payer_account_deactivate(*, actor: Any, account_id: int) -> PayerAccount:
    return payer_account_set_active(actor=actor, account_id=account_id, active=False)
