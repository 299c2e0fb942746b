"""An instrument's booking rules in plain Chinese words (its page and the managers' page show
them): opening days and hours, the booking window, lengths, quotas, access, cancellation."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nesta.instruments.models import BookingPolicy, Instrument

WEEKDAY_NAMES = [
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
]


def weekdays_text(weekdays: str) -> str:
    """'12345' → 周一至周五; '1234567' → 每天; '135' → 周一、周三、周五."""
    days = sorted({int(c) for c in weekdays if c in "1234567"})
    if not days:
        return _("不开放")
    if len(days) == 7:
        return _("每天")
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return _("%(first)s至%(last)s") % {"first": WEEKDAY_NAMES[days[0] - 1], "last": WEEKDAY_NAMES[days[-1] - 1]}
    return _("、").join(str(WEEKDAY_NAMES[d - 1]) for d in days)


def hhmm(value: Any) -> str:
    return value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)[:5]


def rules_summary(policy: BookingPolicy, instrument: Instrument) -> list[dict[str, str]]:
    """The instrument's booking rules as short Chinese sentences, [{label, text}]."""
    rows = []
    opening, closing = hhmm(policy.open_from), hhmm(policy.open_until)
    hours = _("全天") if opening == closing else f"{opening}–{closing}"
    rows.append({"label": _("开放时间"), "text": f"{weekdays_text(policy.weekdays)} {hours}"})
    ahead = _("最多提前 %(d)d 天预约") % {"d": policy.advance_days}
    if policy.min_notice_minutes:
        ahead += _("，至少提前 %(m)d 分钟") % {"m": policy.min_notice_minutes}
    rows.append({"label": _("预约窗口"), "text": ahead})
    length = _("单次 %(a)d–%(b)d 分钟") % {"a": policy.min_minutes, "b": policy.max_minutes}
    if policy.gap_minutes:
        length += _("，相邻预约间隔 %(m)d 分钟") % {"m": policy.gap_minutes}
    rows.append({"label": _("预约时长"), "text": length})
    quotas = []
    if policy.daily_quota_minutes_user:
        quotas.append(_("每人每日 %(m)d 分钟") % {"m": policy.daily_quota_minutes_user})
    if policy.weekly_quota_minutes_user:
        quotas.append(_("每人每周 %(m)d 分钟") % {"m": policy.weekly_quota_minutes_user})
    if policy.weekly_quota_minutes_org:
        quotas.append(_("每单位每周 %(m)d 分钟") % {"m": policy.weekly_quota_minutes_org})
    rows.append({"label": _("预约限额"), "text": _("，").join(quotas) if quotas else _("不限")})
    access = [_("需培训合格后方可预约") if policy.requires_training else _("无需培训")]
    if not instrument.is_open:
        access.append(_("暂不对外单位开放"))
    elif policy.external_requires_approval:
        access.append(_("外单位预约需仪器管理员审批"))
    else:
        access.append(_("外单位预约无需审批"))
    rows.append({"label": _("使用条件"), "text": _("；").join(access)})
    rows.append(
        {
            "label": _("取消与爽约"),
            "text": _(
                "开始前 %(h)d 小时内取消记为逾期取消；开始后 %(g)d 分钟未签到记为爽约；"
                "%(w)d 天内爽约或逾期取消达 %(n)d 次，暂停预约 %(s)d 天"
            )
            % {
                "h": policy.cancel_deadline_hours,
                "g": policy.no_show_grace_minutes,
                "w": policy.no_show_window_days,
                "n": policy.no_show_limit,
                "s": policy.suspension_days,
            },
        }
    )
    return rows
