"""What a user is told before confirming a booking: the fee estimate (their rate × duration, and
the per-sample rate where the instrument charges one), until when cancelling is free (local
time), whether approval is needed and who approves. The same figures the booking service and
the fee schedule use (services/fees.py rounds the same way), so the estimate is what the charge
will be for the booked time."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.instruments.models import Booking, Instrument
from nesta.instruments.policy import LOCAL, bounded

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Quote:
    instrument_id: int
    start: datetime  # local time
    end: datetime
    minutes: int
    is_external: bool
    hourly_rate: Decimal  # 元/小时 for this user
    hours: Decimal  # rounded to 0.01 h as charges are
    time_amount: Decimal  # hours × hourly_rate, to 分
    sample_rate: Decimal  # 元/样 for this user (0: none)
    samples: int  # the samples the estimate counts (0 unless given)
    amount: Decimal  # the estimate: time_amount + samples × sample_rate
    free_cancel_until: datetime  # local time; cancelling later by the booker is a late cancellation
    requires_approval: bool
    approvers: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # the cancellation rules in one or two sentences
    account: Any = None  # the payer account (经费账户) the booking would be charged to, if chosen
    account_remaining: Decimal | None = None  # its limit less spent and committed (None: no limit)

    @property
    def over_limit(self) -> bool:
        """The estimate is more than the account has left: the booking would be refused."""
        return self.account_remaining is not None and self.amount > self.account_remaining


def _money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _approvers(instrument: Instrument) -> list[str]:
    from nesta.instruments.lifecycles import staff_of

    return [user.get_full_name() or user.username for user in staff_of(instrument)]


def _remaining(account: Any) -> Decimal | None:
    if account is None or account.spending_limit is None:
        return None
    from nesta.instruments.services.payers import account_usage

    return _money(account.spending_limit - account_usage(account.pk).used)


def booking_quote(
    user: Any,
    instrument: Instrument,
    start: datetime,
    end: datetime,
    *,
    samples: int = 0,
    account: Any = None,
    now: datetime | None = None,
) -> Quote:
    """The estimate for `user` booking `instrument` over [start, end) made `now`, charged to
    `account` (one of the user's usable accounts, or None). The instrument's policy should be
    loaded (select_related("policy")); approvers cost one query, only when approval applies; an
    account with a spending limit three (its spent and committed amounts)."""
    from nesta.instruments.lifecycles import cancel_deadline
    from nesta.instruments.selectors.availability import policy_of

    now = now or timezone.now()
    policy = policy_of(instrument)
    organization_id = getattr(user, "organization_id", None) if getattr(user, "is_authenticated", False) else None
    external = organization_id != instrument.owner_id
    hourly = instrument.external_hourly_rate if external else instrument.internal_hourly_rate
    per_sample = instrument.external_sample_rate if external else instrument.internal_sample_rate
    seconds = max((end - start).total_seconds(), 0)
    hours = (Decimal(int(seconds)) / Decimal(3600)).quantize(CENT, rounding=ROUND_HALF_UP)
    time_amount = _money(hours * hourly)
    samples = max(0, min(int(samples), 100_000))
    requires_approval = external and policy.external_requires_approval
    # The deadline the booking will have once made now (cancel_deadline reads created_at).
    draft = Booking(instrument=instrument, start=start, end=end, created_at=now)
    free_until = cancel_deadline(draft)
    deadline_hours = bounded("cancel_deadline_hours", policy.cancel_deadline_hours)
    grace = bounded("late_cancel_grace_minutes", policy.late_cancel_grace_minutes)
    rules = [
        _("开始前 %(h)d 小时之前取消不计违约；之后由本人取消记为逾期取消。") % {"h": deadline_hours},
    ]
    if free_until > start - timedelta(hours=deadline_hours):
        rules.append(_("本次预约在免责取消截止之后提交，%(m)d 分钟内取消不计逾期取消。") % {"m": grace})
    if requires_approval:
        rules.append(_("待审批期间取消不计逾期取消。"))
    if policy.no_show_limit:
        rules.append(
            _("%(d)d 天内爽约或逾期取消达 %(n)d 次，将暂停预约 %(s)d 天。")
            % {"d": policy.no_show_window_days, "n": policy.no_show_limit, "s": policy.suspension_days}
        )
    return Quote(
        instrument_id=instrument.pk,
        start=start.astimezone(LOCAL),
        end=end.astimezone(LOCAL),
        minutes=int(seconds // 60),
        is_external=external,
        hourly_rate=_money(hourly),
        hours=hours,
        time_amount=time_amount,
        sample_rate=_money(per_sample),
        samples=samples,
        amount=_money(time_amount + samples * per_sample),
        free_cancel_until=free_until.astimezone(LOCAL),
        requires_approval=requires_approval,
        approvers=_approvers(instrument) if requires_approval else [],
        rules=rules,
        account=account,
        account_remaining=_remaining(account),
    )
