"""Finding instruments (三.1 科技条件平台): the search page, an instrument's page with its booking
calendar, and "我的预约".

Thin by design: reads come from instruments.selectors; the calendar grid and the rules in plain
words are built here for the pages."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from nesta.core.pagination import Page, decode_cursor, encode_cursor
from nesta.core.permissions import can
from nesta.core.templatetags.nesta import cn_date
from nesta.core.generic import domain_errors, is_partial, login_required_or_redirect, render_page_or_partial
from nesta.instruments.forms.booking import (
    BookingForm,
    CheckOutForm,
    InstrumentFilterForm,
    SearchFilters,
)
from nesta.instruments.models import Blackout, Booking, BookingPolicy, Instrument
from nesta.instruments.policy import LOCAL
from nesta.instruments.selectors import availability as availability_selectors
from nesta.instruments.selectors import calendar as calendar_selectors
from nesta.instruments.selectors import orders as order_selectors
from nesta.instruments.selectors import registry as registry_selectors

PAGE_SIZE = 20
QUICK_WORDS = ["扫描电镜", "透射电镜", "核磁共振", "液质联用", "X射线衍射", "万能试验机"]
SLOT_MINUTES = 30
CHECK_IN_EARLY = timedelta(minutes=30)  # booking_check_in accepts from 30 minutes before the start

# --- reads ----------------------------------------------------------------------------------------


def _instrument_queryset() -> QuerySet[Instrument]:
    return Instrument.objects.select_related("owner", "province", "city", "category__parent", "policy")


def instrument_page(*, filters: SearchFilters, cursor: str | None = None, limit: int | None = None) -> Page:
    """One page of the search: the registry selector (ranked by the search index when there is a
    query), with each instrument's booking policy for the badges (one more query)."""
    page = registry_selectors.instrument_list(
        filters=registry_selectors.InstrumentFilters(
            q=filters.q,
            province=filters.province,
            city=filters.city,
            category=filters.category,
            owner_kind=filters.owner_kind,
            open_only=filters.open_only,
            available_from=filters.free_from,
            available_to=filters.free_to,
        ),
        cursor=cursor,
        limit=limit,
        with_total=True,
    )
    prefetch_related_objects(page.items, "policy")
    return page


def _get_instrument(pk: int) -> Instrument:
    instrument = _instrument_queryset().filter(pk=pk).first()
    if instrument is None:
        raise Http404(_("未找到该仪器。"))
    return instrument


def policy_of(instrument: Instrument) -> BookingPolicy:
    try:
        return instrument.policy
    except BookingPolicy.DoesNotExist:
        return BookingPolicy(instrument=instrument)


# --- booking rules in plain words ----------------------------------------------------------------

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


def _hhmm(value: Any) -> str:
    return value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)[:5]


def rules_summary(policy: BookingPolicy, instrument: Instrument) -> list[dict[str, str]]:
    """The instrument's booking rules as short Chinese sentences, [{label, text}]."""
    rows = []
    opening, closing = _hhmm(policy.open_from), _hhmm(policy.open_until)
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


# --- the calendar --------------------------------------------------------------------------------


@dataclass
class Cell:
    start: datetime
    end: datetime
    state: str  # free, mine, busy, blackout, closed, past, beyond
    key: str = ""
    label: str = ""
    detail: str = ""
    span: int = 1
    covered: bool = False

    @property
    def selectable(self) -> bool:
        return self.state == "free"


@dataclass
class Calendar:
    view: str
    anchor: date
    days: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    prev_date: date
    next_date: date
    today: date
    title: str
    notice: str = ""
    mine: list[Booking] = field(default_factory=list)


def _local(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL) + timedelta(minutes=minutes)


def _when(start: datetime, end: datetime) -> str:
    return f"{cn_date(timezone.localtime(start, LOCAL))} {_span(start, end)}"


def _span(start: datetime, end: datetime) -> str:
    a, b = timezone.localtime(start, LOCAL), timezone.localtime(end, LOCAL)
    return f"{a:%H:%M}–{b:%H:%M}" if a.date() == b.date() else f"{a:%m-%d %H:%M}–{b:%m-%d %H:%M}"


def _opening_minutes(policy: BookingPolicy) -> tuple[int, int]:
    def minutes(value: Any) -> int:
        h, m = _hhmm(value).split(":")
        return int(h) * 60 + int(m)

    a, b = minutes(policy.open_from), minutes(policy.open_until)
    if a == b:
        return 0, 24 * 60
    return a, b if b > a else 24 * 60


def build_calendar(
    *, instrument: Instrument, policy: BookingPolicy, user: Any, anchor: date, view: str, now: datetime
) -> Calendar:
    """The week (or one day) around `anchor` as a grid of 30-minute cells: bookable, taken (only
    "已预约" — never who), the user's own bookings, blackouts, closed hours."""
    if view == "day":
        days = [anchor]
        prev_date, next_date = anchor - timedelta(days=1), anchor + timedelta(days=1)
    else:
        monday = anchor - timedelta(days=anchor.weekday())
        days = [monday + timedelta(days=i) for i in range(7)]
        prev_date, next_date = monday - timedelta(days=7), monday + timedelta(days=7)
    open_a, open_b = _opening_minutes(policy)
    first = open_a // SLOT_MINUTES * SLOT_MINUTES
    last = -(-open_b // SLOT_MINUTES) * SLOT_MINUTES
    range_start, range_end = _local(days[0], 0), _local(days[-1], 24 * 60)
    # Who booked is never shown: the availability selector knows only that a slot is taken; the
    # user's own bookings come from a query of their own.
    avail = availability_selectors.availability(instrument, range_start, range_end, now=now)
    free = avail.free
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    mine = (
        list(
            Booking.objects.filter(
                instrument=instrument,
                user_id=user_id,
                status__in=Booking.ACTIVE,
                start__lt=range_end,
                end__gt=range_start,
            ).order_by("start")
        )
        if user_id
        else []
    )
    earliest = now + timedelta(minutes=policy.min_notice_minutes)
    latest = now + timedelta(days=policy.advance_days)
    unavailable = not avail.bookable
    columns: list[list[Cell]] = []
    for day in days:
        open_day = str(day.isoweekday()) in policy.weekdays
        column = []
        for m in range(first, last, SLOT_MINUTES):
            s, e = _local(day, m), _local(day, m + SLOT_MINUTES)
            cell = Cell(start=s, end=e, state="free")
            own = next((b for b in mine if b.start < e and b.end > s), None)
            busy = next((b for b in avail.busy if b.start < e and b.end > s), None)
            if own is not None:
                cell.state, cell.key = "mine", f"m{own.pk}"
                cell.label = _("我的预约") + ("（" + _("待审批") + "）" if own.status == "pending" else "")
                cell.detail = _span(own.start, own.end)
            elif busy is not None and busy.kind in ("booked", "pending"):
                cell.state, cell.key, cell.label = "busy", f"b{busy.start.isoformat()}", _("已预约")
                cell.detail = _span(busy.start, busy.end)
            elif busy is not None:
                cell.state, cell.key = "blackout", f"x{busy.start.isoformat()}"
                cell.label = str(Blackout.Kind(busy.kind).label) if busy.kind in Blackout.Kind.values else _("停机维护")
                cell.detail = busy.label or _span(busy.start, busy.end)
            elif unavailable or not open_day or m < open_a or m + SLOT_MINUTES > open_b:
                cell.state, cell.key, cell.label = "closed", "closed", _("不开放")
            elif s < earliest:
                cell.state = "past"
            elif s > latest:
                cell.state = "beyond"
            elif not any(w.start <= s and e <= w.end for w in free):
                cell.state = "blocked"
                cell.detail = _("不可预约：与相邻预约需留出间隔，或空档短于单次最短时长")
            column.append(cell)
        # one block per booking / blackout / closed stretch (a rowspan), the first cell carries it
        i = 0
        while i < len(column):
            j = i + 1
            if column[i].key:
                while j < len(column) and column[j].key == column[i].key:
                    column[j].covered = True
                    j += 1
            column[i].span = j - i
            i = j
        columns.append(column)
    rows = [
        {
            "time": f"{m // 60:02d}:{m % 60:02d}",
            "hour": m % 60 == 0,
            "cells": [col[r] for col in columns],
        }
        for r, m in enumerate(range(first, last, SLOT_MINUTES))
    ]
    today = timezone.localtime(now, LOCAL).date()
    day_rows = [
        {
            "date": d,
            "weekday": WEEKDAY_NAMES[d.weekday()],
            "label": f"{d.month}/{d.day}",
            "today": d == today,
            "open": str(d.isoweekday()) in policy.weekdays,
        }
        for d in days
    ]
    if view == "day":
        title = f"{cn_date(days[0])} {WEEKDAY_NAMES[days[0].weekday()]}"
    else:
        title = f"{cn_date(days[0])} – {cn_date(days[-1])}"
    notice = ""
    if unavailable:
        notice = _("该仪器当前状态为“%(s)s”，暂停预约。") % {"s": instrument.get_status_display()}
    return Calendar(
        view=view,
        anchor=anchor,
        days=day_rows,
        rows=rows,
        prev_date=prev_date,
        next_date=next_date,
        today=today,
        title=title,
        notice=notice,
        mine=mine,
    )


def _anchor(value: str | None, today: date) -> date:
    try:
        return date.fromisoformat(value) if value else today
    except ValueError:
        return today


# --- search page ---------------------------------------------------------------------------------


@require_GET
@domain_errors
def instrument_list(request: HttpRequest) -> HttpResponse:
    form = InstrumentFilterForm(request.GET or None)
    filters = form.filters()
    page = instrument_page(filters=filters, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE)
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "paged": bool(request.GET.get("cursor")),
        "may_manage": can(request.user, "instrument.manage"),
        "quick_words": QUICK_WORDS,
    }
    return render_page_or_partial(request, "instruments/instrument_list.html", "instruments/_results.html", context)


# --- an instrument, its calendar, booking --------------------------------------------------------


def _booking_context(
    request: HttpRequest,
    instrument: Instrument,
    *,
    anchor: date | None = None,
    view: str | None = None,
    form: BookingForm | None = None,
    outcome: dict[str, Any] | None = None,
) -> dict[str, Any]:
    policy = policy_of(instrument)
    now = timezone.now()
    today = timezone.localtime(now, LOCAL).date()
    source = request.POST if request.method == "POST" else request.GET
    view = view or ("day" if source.get("view") == "day" else "week")
    anchor = anchor or _anchor(source.get("date"), today)
    calendar = build_calendar(
        instrument=instrument, policy=policy, user=request.user, anchor=anchor, view=view, now=now
    )
    if form is None:
        form = BookingForm(initial={"weeks": 4})
    return {
        "instrument": instrument,
        "policy": policy,
        "calendar": calendar,
        "form": form,
        "outcome": outcome,
        "idempotency_key": uuid.uuid4().hex,
        "detail_url": reverse("instruments:detail", args=[instrument.pk]),
    }


@require_GET
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = _get_instrument(pk)
    context = _booking_context(request, instrument)
    if not is_partial(request):
        context.update(
            {
                "rules": rules_summary(context["policy"], instrument),
                "managers": list(instrument.managers.order_by("id")),
                "may_manage": can(request.user, "instrument.manage", instrument),
                "may_change": can(request.user, "instrument.change", instrument),
                "ical_url": f"/api/v1/instruments/{instrument.pk}/calendar.ics",
                "service_items": list(order_selectors.service_items_of(instrument_id=instrument.pk)),
            }
        )
    return render_page_or_partial(
        request, "instruments/instrument_detail.html", "instruments/_booking_area.html", context
    )


# --- my bookings -----------------------------------------------------------------------------------

OPEN_STATUSES = ("pending", "confirmed", "in_use")


def _decorate(bookings: list[Booking], now: datetime) -> list[Booking]:
    """What the user may do with each booking now, and the late-cancellation warning."""
    for b in bookings:
        policy = policy_of(b.instrument)
        deadline = b.start - timedelta(hours=policy.cancel_deadline_hours)
        b.may_cancel = b.status in ("pending", "confirmed") and b.end > now
        b.late_cancel = b.may_cancel and now > deadline
        b.cancel_deadline = deadline
        b.cancel_hours = policy.cancel_deadline_hours
        b.may_check_in = b.status == "confirmed" and b.start - CHECK_IN_EARLY <= now <= b.end
        b.may_check_out = b.status == "in_use"
    return bookings


@require_GET
@login_required_or_redirect
@domain_errors
def my_bookings(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    base = Booking.objects.filter(user=request.user).select_related(
        "instrument__owner", "instrument__policy", "instrument__city"
    )
    upcoming = _decorate(list(base.filter(status__in=OPEN_STATUSES, end__gt=now).order_by("start")[:100]), now)
    offset = decode_cursor(request.GET.get("cursor")).get("offset", 0)
    history_qs = base.exclude(status__in=OPEN_STATUSES, end__gt=now).order_by("-start", "-id")
    rows = list(history_qs[offset : offset + PAGE_SIZE + 1])
    history = Page(
        items=_decorate(rows[:PAGE_SIZE], now),
        next_cursor=encode_cursor({"offset": offset + PAGE_SIZE}) if len(rows) > PAGE_SIZE else None,
    )
    context = {
        "upcoming": upcoming,
        "history": history,
        "paged": offset > 0,
        "checkout_form": CheckOutForm(),
        "may_manage": can(request.user, "instrument.manage"),
        "feed_url": request.build_absolute_uri(
            f"/api/v1/me/calendar.ics?token={calendar_selectors.calendar_feed_token(request.user)}"
        ),
    }
    return render_page_or_partial(request, "instruments/my_bookings.html", "instruments/_history.html", context)
