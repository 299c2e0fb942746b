"""Booking rules as a policy object (after NEMO's pluggable policy, but returning domain results,
never HTTP). `BookingRules.check` is pure: everything it needs to know about the world comes in a
`Ledger`, so each rule is tested without a database and the service supplies the real ledger."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

LOCAL = ZoneInfo("Asia/Shanghai")
DAY, WEEK = 24 * 60, 7 * 24 * 60

# The sane range of every integer rule a manager sets: (minimum, maximum). The model's
# validators, its CHECK constraints and the API schema all read this table (issue 7 C.3: an
# unbounded max_minutes once made the availability search fail for everyone).
POLICY_BOUNDS: dict[str, tuple[int, int]] = {
    "advance_days": (0, 3650),
    "min_notice_minutes": (0, 30 * DAY),
    "min_minutes": (1, WEEK),
    "max_minutes": (1, WEEK),
    "gap_minutes": (0, DAY),
    "daily_quota_minutes_user": (0, DAY),
    "weekly_quota_minutes_user": (0, WEEK),
    "weekly_quota_minutes_org": (0, WEEK),
    "cancel_deadline_hours": (0, 30 * 24),
    "late_cancel_grace_minutes": (0, DAY),
    "no_show_grace_minutes": (0, DAY),
    "no_show_limit": (0, 100),
    "no_show_window_days": (0, 3650),
    "suspension_days": (0, 3650),
}


def local_minute(moment: datetime | None) -> str:
    """2026-12-01 10:00 in Asia/Shanghai, however the moment was stored or passed (people read
    local time; a database hands back UTC)."""
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL)
    return f"{moment:%Y-%m-%d %H:%M}"


def bounded(name: str, value: int | None) -> int:
    """A stored rule clamped to its sane range (None and garbage read as the minimum), so date
    arithmetic on it can never overflow, whatever an old row or a bypassed check left behind."""
    low, high = POLICY_BOUNDS[name]
    if isinstance(value, bool) or not isinstance(value, int):
        return low
    return min(max(value, low), high)


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    details: dict = field(default_factory=dict)


class Ledger(Protocol):
    """What the rules need to know beyond the request itself."""

    def booked_minutes(
        self, *, user_id: int | None = None, organization_id: int | None = None, start: datetime, end: datetime
    ) -> int: ...

    def blackout_between(self, start: datetime, end: datetime) -> str | None: ...

    def qualification_expiry(self) -> tuple[bool, datetime | None]: ...

    def offences_since(self, since: datetime) -> tuple[int, datetime | None]: ...


@dataclass(frozen=True)
class BookingRequest:
    start: datetime
    end: datetime
    user_id: int
    organization_id: int | None
    is_external: bool
    now: datetime


@dataclass(frozen=True)
class Rules:
    """A plain copy of BookingPolicy plus the instrument facts the rules use."""

    instrument_status: str = "in_use"
    instrument_is_open: bool = True
    open_from: str = "08:00"
    open_until: str = "22:00"
    weekdays: str = "12345"
    advance_days: int = 30
    min_notice_minutes: int = 0
    min_minutes: int = 30
    max_minutes: int = 480
    daily_quota_minutes_user: int | None = None
    weekly_quota_minutes_user: int | None = None
    weekly_quota_minutes_org: int | None = None
    requires_training: bool = False
    no_show_limit: int = 3
    no_show_window_days: int = 90
    suspension_days: int = 30

    @classmethod
    def from_policy(cls, policy, instrument) -> "Rules":
        return cls(
            instrument_status=instrument.status,
            instrument_is_open=instrument.is_open,
            open_from=policy.open_from.strftime("%H:%M") if hasattr(policy.open_from, "strftime") else policy.open_from,
            open_until=policy.open_until.strftime("%H:%M")
            if hasattr(policy.open_until, "strftime")
            else policy.open_until,
            weekdays=policy.weekdays,
            advance_days=policy.advance_days,
            min_notice_minutes=policy.min_notice_minutes,
            min_minutes=policy.min_minutes,
            max_minutes=policy.max_minutes,
            daily_quota_minutes_user=policy.daily_quota_minutes_user,
            weekly_quota_minutes_user=policy.weekly_quota_minutes_user,
            weekly_quota_minutes_org=policy.weekly_quota_minutes_org,
            requires_training=policy.requires_training,
            no_show_limit=policy.no_show_limit,
            no_show_window_days=policy.no_show_window_days,
            suspension_days=policy.suspension_days,
        )


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")[:2]
    return int(h) * 60 + int(m)


def _day_bounds(moment: datetime) -> tuple[datetime, datetime]:
    local = moment.astimezone(LOCAL)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def _week_bounds(moment: datetime) -> tuple[datetime, datetime]:
    day_start, _ = _day_bounds(moment)
    start = day_start - timedelta(days=day_start.weekday())
    return start, start + timedelta(days=7)


class BookingRules:
    def __init__(self, rules: Rules):
        self.rules = rules

    def check(self, request: BookingRequest, ledger: Ledger) -> list[Violation]:
        """Every rule the request breaks, cheapest first; empty when it may be booked."""
        out = self.check_request(request, ledger)
        if out and out[0].code == "invalid_range":
            return out
        return out + self.check_quotas(request, ledger)

    def check_request(self, request: BookingRequest, ledger: Ledger) -> list[Violation]:
        """The rules that other people's bookings cannot change (hours, notice, blackouts,
        training, suspension): the service checks them before it queues for the write lock."""
        r = self.rules
        out: list[Violation] = []
        length = int((request.end - request.start).total_seconds() // 60)
        if request.end <= request.start:
            return [Violation("invalid_range", str(_("结束时间必须晚于开始时间。")))]
        if r.instrument_status != "in_use":
            out.append(Violation("instrument_unavailable", str(_("仪器当前不可预约（维修或停用）。"))))
        if request.is_external and not r.instrument_is_open:
            out.append(Violation("not_open_to_outside", str(_("该仪器暂不对外单位开放。"))))
        if request.start < request.now:
            out.append(Violation("in_the_past", str(_("不能预约已经过去的时间。"))))
        elif request.start < request.now + timedelta(minutes=r.min_notice_minutes):
            out.append(
                Violation("too_short_notice", str(_("需至少提前 %(m)d 分钟预约。") % {"m": r.min_notice_minutes}))
            )
        if request.start > request.now + timedelta(days=r.advance_days):
            out.append(Violation("too_far_ahead", str(_("最多只能提前 %(d)d 天预约。") % {"d": r.advance_days})))
        if length < r.min_minutes:
            out.append(Violation("too_short", str(_("单次预约不少于 %(m)d 分钟。") % {"m": r.min_minutes})))
        if length > r.max_minutes:
            out.append(Violation("too_long", str(_("单次预约不超过 %(m)d 分钟。") % {"m": r.max_minutes})))
        out += self._hours(request)
        if blackout := ledger.blackout_between(request.start, request.end):
            out.append(Violation("blackout", str(_("该时段仪器停机：%(reason)s") % {"reason": blackout})))
        if r.requires_training:
            qualified, expires = ledger.qualification_expiry()
            if not qualified:
                out.append(Violation("qualification_required", str(_("使用该仪器需先通过上机培训。"))))
            elif expires is not None and expires < request.end:
                out.append(Violation("qualification_expired", str(_("您的上机资格已过期或将在预约结束前过期。"))))
        out += self._suspension(request, ledger)
        return out

    def check_quotas(self, request: BookingRequest, ledger: Ledger) -> list[Violation]:
        """The rules that depend on other bookings: checked under the write lock."""
        if request.end <= request.start:
            return []
        return self._quotas(request, ledger, int((request.end - request.start).total_seconds() // 60))

    def _hours(self, request: BookingRequest) -> list[Violation]:
        r = self.rules
        start, end = request.start.astimezone(LOCAL), request.end.astimezone(LOCAL)
        out = []
        days = {start.isoweekday(), (end - timedelta(microseconds=1)).isoweekday()}
        if any(str(d) not in r.weekdays for d in days):
            out.append(Violation("not_a_bookable_day", str(_("该仪器在所选日期不开放预约。"))))
        if r.open_from == r.open_until:  # open around the clock
            return out
        same_day = (end - timedelta(microseconds=1)).date() == start.date()
        end_minutes = end.hour * 60 + end.minute or (24 * 60 if end.date() > start.date() else 0)
        if (
            not same_day
            or start.hour * 60 + start.minute < _minutes(r.open_from)
            or end_minutes > _minutes(r.open_until)
        ):
            out.append(
                Violation(
                    "outside_bookable_hours",
                    str(_("预约须在每日 %(a)s–%(b)s 之内。") % {"a": r.open_from, "b": r.open_until}),
                    {"open_from": r.open_from, "open_until": r.open_until},
                )
            )
        return out

    def _suspension(self, request: BookingRequest, ledger: Ledger) -> list[Violation]:
        r = self.rules
        if not r.no_show_limit:
            return []
        count, latest = ledger.offences_since(request.now - timedelta(days=r.no_show_window_days))
        if count >= r.no_show_limit and latest is not None:
            until = latest + timedelta(days=r.suspension_days)
            if until > request.now:
                return [
                    Violation(
                        "booking_suspended",
                        str(
                            _("爽约或逾期取消已达 %(n)d 次，暂停预约至 %(until)s。")
                            % {"n": count, "until": until.astimezone(LOCAL).strftime("%Y-%m-%d")}
                        ),
                        {"until": until.isoformat(), "offences": count},
                    )
                ]
        return []

    def _quotas(self, request: BookingRequest, ledger: Ledger, length: int) -> list[Violation]:
        r = self.rules
        checks = []
        if r.daily_quota_minutes_user:
            a, b = _day_bounds(request.start)
            checks.append(("user_daily", r.daily_quota_minutes_user, {"user_id": request.user_id}, a, b))
        if r.weekly_quota_minutes_user:
            a, b = _week_bounds(request.start)
            checks.append(("user_weekly", r.weekly_quota_minutes_user, {"user_id": request.user_id}, a, b))
        if r.weekly_quota_minutes_org and request.organization_id:
            a, b = _week_bounds(request.start)
            checks.append(
                ("organization_weekly", r.weekly_quota_minutes_org, {"organization_id": request.organization_id}, a, b)
            )
        out = []
        for name, limit, who, a, b in checks:
            used = ledger.booked_minutes(start=a, end=b, **who)
            if used + length > limit:
                out.append(
                    Violation(
                        "quota_exceeded",
                        str(
                            _("超出预约限额：已约 %(used)d 分钟，上限 %(limit)d 分钟。")
                            % {"used": used, "limit": limit}
                        ),
                        {"quota": name, "used_minutes": used, "limit_minutes": limit},
                    )
                )
        return out
