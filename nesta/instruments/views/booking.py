"""Web pages of the shared instrument network (三.1 科技条件平台): search, an instrument's page with
its booking calendar, "我的预约", and the managers' pages.

Thin by design: every booking, cancellation, approval and check-in/out goes through
instruments.services (which check permissions and the instrument's policy, lock, and audit); the
views only turn requests into service calls and domain errors into messages beside the calendar."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Q, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from nesta.core.errors import Conflict, PermissionDenied, ServiceUnavailable, ValidationFailed
from nesta.core.pagination import Page, decode_cursor, encode_cursor
from nesta.core.permissions import can, restrict
from nesta.core.templatetags.nesta import cn_date
from nesta.core.views import domain_errors, is_partial, login_required_or_redirect, render_page_or_partial
from nesta.instruments import services
from nesta.instruments.forms.booking import (
    BlackoutForm,
    BookingForm,
    CheckOutForm,
    InstrumentFilterForm,
    PolicyForm,
    QualificationForm,
    SearchFilters,
    UsageForm,
)
from nesta.instruments.models import Blackout, Booking, BookingPolicy, Instrument, Qualification, UsageSession
from nesta.instruments.policy import LOCAL
from nesta.instruments.selectors import availability as availability_selectors
from nesta.instruments.selectors import calendar as calendar_selectors
from nesta.instruments.selectors import orders as order_selectors
from nesta.instruments.selectors import registry as registry_selectors
from nesta.instruments.services.usage import usage_record as usage_record_service

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


def _violation_messages(exc: ValidationFailed) -> list[str]:
    details = exc.details or {}
    violations = details.get("violations") if isinstance(details, dict) else None
    if violations:
        return [str(v.get("message") or v.get("code")) for v in violations]
    return [str(exc.message)]


def _series_outcome(result: Any) -> dict[str, Any]:
    skipped = []
    for row in result.skipped:
        start = datetime.fromisoformat(row["start"])
        end = datetime.fromisoformat(row["end"])
        reason = _("该时段已被预约") if row.get("code") == "slot_taken" else row.get("message", "")
        skipped.append({"start": start, "end": end, "reason": reason})
    return {"kind": "series", "created": result.created, "skipped": skipped}


@require_POST
@domain_errors
def booking_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Book the slot chosen in the calendar (or a weekly series) through the booking service."""
    instrument = _get_instrument(pk)
    detail_url = reverse("instruments:detail", args=[instrument.pk])
    if not request.user.is_authenticated:
        if is_partial(request):
            return HttpResponseClientRedirect(redirect_to_login(detail_url)["Location"])
        return redirect_to_login(detail_url)
    form = BookingForm(request.POST)
    outcome: dict[str, Any] | None = None
    status = 422
    anchor = None
    if form.is_valid():
        data = form.cleaned_data
        anchor = timezone.localtime(data["start"], LOCAL).date()
        try:
            if form.week_count() > 1:
                series = services.booking_create_weekly(
                    actor=request.user,
                    instrument_id=instrument.pk,
                    start=data["start"],
                    end=data["end"],
                    weeks=form.week_count(),
                    purpose=data["purpose"],
                )
                outcome = _series_outcome(series)
                status = 200 if series.created else 422
            else:
                key = (request.POST.get("idempotency_key") or "").strip()[:100] or None
                result = services.booking_create(
                    actor=request.user,
                    instrument_id=instrument.pk,
                    start=data["start"],
                    end=data["end"],
                    purpose=data["purpose"],
                    idempotency_key=key,
                )
                outcome = {"kind": "created", "booking": result.booking}
                status = 200
        except Conflict as exc:
            status = 409
            if exc.code == "slot_taken":
                outcome = {"kind": "error", "code": exc.code, "title": _("该时段已被预约，请选择其他时间")}
            else:
                outcome = {"kind": "error", "code": exc.code, "title": str(exc.message)}
        except ValidationFailed as exc:
            status = 422
            details = exc.details if isinstance(exc.details, dict) else {}
            field_errors = {k: v for k, v in details.items() if k in form.fields and isinstance(v, list)}
            for name, msgs in field_errors.items():
                for msg in msgs:
                    form.add_error(name, str(msg))
            outcome = {
                "kind": "error",
                "code": exc.code,
                "title": _("该时段不能预约，原因如下："),
                "reasons": _violation_messages(exc) if not field_errors else [],
            }
        except ServiceUnavailable:
            status = 503
            outcome = {"kind": "error", "code": "busy", "title": _("系统繁忙，请稍后重试")}
        except PermissionDenied:
            status = 403
            outcome = {"kind": "error", "code": "permission_denied", "title": _("您没有预约仪器的权限。")}
    succeeded = status == 200
    if succeeded and not is_partial(request):
        if outcome["kind"] == "created":
            messages.success(request, _("预约成功。"))
        else:
            messages.success(request, _("已按周预约 %(n)d 次。") % {"n": len(outcome["created"])})
            for row in outcome["skipped"]:
                messages.warning(
                    request,
                    _("已跳过 %(when)s：%(reason)s")
                    % {"when": _when(row["start"], row["end"]), "reason": row["reason"]},
                )
        return redirect(f"{detail_url}?date={anchor.isoformat()}" if anchor else detail_url)
    if succeeded:
        form = None  # a fresh form for the next booking
    context = _booking_context(request, instrument, anchor=anchor, form=form, outcome=outcome)
    if is_partial(request):
        response = render(request, "instruments/_booking_area.html", context, status=status)
    else:
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
        response = render(request, "instruments/instrument_detail.html", context, status=status)
    if status == 503:
        response["Retry-After"] = "1"
    return response


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


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@require_POST
@domain_errors
def booking_action(request: HttpRequest, booking_id: int, action: str) -> HttpResponse:
    """取消, 签到, 签退, 批准, 驳回 (urls.py gives each its URL): run one state change of a booking
    and come back with a message."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.POST.get("next") or reverse("instruments:my_bookings"))
    try:
        if action == "cancel":
            booking = services.booking_cancel(actor=request.user, booking_id=booking_id)
            if booking.status == "late_cancelled":
                messages.warning(request, _("预约已取消。因在截止时间后取消，本次记为逾期取消。"))
            else:
                messages.success(request, _("预约已取消。"))
        elif action == "check_in":
            services.booking_check_in(actor=request.user, booking_id=booking_id)
            messages.success(request, _("已签到，开始计时。"))
        elif action == "check_out":
            form = CheckOutForm(request.POST)
            form.is_valid()
            data = getattr(form, "cleaned_data", {})
            services.booking_check_out(
                actor=request.user,
                booking_id=booking_id,
                samples=data.get("samples") or 0,
                notes=(data.get("notes") or "").strip(),
            )
            messages.success(request, _("已签退，使用记录已保存。"))
        elif action == "approve":
            services.booking_approve(actor=request.user, booking_id=booking_id)
            messages.success(request, _("已批准该预约，并已通知预约人。"))
        elif action == "reject":
            services.booking_reject(actor=request.user, booking_id=booking_id)
            messages.success(request, _("已驳回该预约，并已通知预约人。"))
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, str(exc.message))
    except ServiceUnavailable:
        messages.error(request, _("系统繁忙，请稍后重试"))
    return _back(request, reverse("instruments:my_bookings"))


# --- managers ----------------------------------------------------------------------------------


def _require_manage(user: Any, instrument: Instrument | None = None) -> None:
    if not can(user, "instrument.manage", instrument):
        raise DjangoPermissionDenied(_("您不是该仪器的管理人员。"))


@require_GET
@login_required_or_redirect
@domain_errors
def manage_index(request: HttpRequest) -> HttpResponse:
    """The instruments the user manages, with the bookings waiting for their approval."""
    _require_manage(request.user)
    managed = restrict(request.user, "instrument.manage", _instrument_queryset(), organization_field="owner_id")
    after = decode_cursor(request.GET.get("cursor")).get("after")
    qs = managed.annotate(pending=Count("bookings", filter=Q(bookings__status="pending"))).order_by("pk")
    if after is not None:
        qs = qs.filter(pk__gt=after)
    rows = list(qs[: PAGE_SIZE + 1])
    page = Page(
        items=rows[:PAGE_SIZE],
        next_cursor=encode_cursor({"after": rows[PAGE_SIZE - 1].pk}) if len(rows) > PAGE_SIZE else None,
    )
    pending = list(
        Booking.objects.filter(status="pending", instrument__in=managed.values("pk"))
        .select_related("instrument", "user", "organization")
        .order_by("start")[:50]
    )
    context = {"page": page, "pending": pending, "paged": after is not None}
    return render(request, "instruments/manage_index.html", context)


def _manage_context(request: HttpRequest, instrument: Instrument, **forms: Any) -> dict[str, Any]:
    now = timezone.now()
    bookings = Booking.objects.filter(instrument=instrument).select_related(
        "user", "organization", "instrument__policy"
    )
    pending = list(bookings.filter(status="pending").order_by("start")[:100])
    recent = bookings.filter(status__in=("confirmed", "in_use"), end__gt=now - timedelta(hours=12))
    usage = UsageSession.objects.filter(instrument=instrument).select_related("user", "organization")
    qualifications = Qualification.objects.filter(instrument=instrument).select_related("user", "granted_by")
    policy = policy_of(instrument)
    return {
        "instrument": instrument,
        "policy": policy,
        "rules": rules_summary(policy, instrument),
        "pending": pending,
        "upcoming": _decorate(list(recent.order_by("start")[:50]), now),
        "usage": list(usage.order_by("-started_at")[:30]),
        "blackouts": list(Blackout.objects.filter(instrument=instrument, end__gt=now).order_by("start")[:50]),
        "qualifications": list(qualifications.order_by("-granted_at")[:100]),
        "now": now,
        "blackout_form": forms.get("blackout_form") or BlackoutForm(),
        "qualification_form": forms.get("qualification_form") or QualificationForm(),
        "usage_form": forms.get("usage_form") or UsageForm(initial={"samples": 0}),
        "may_change": can(request.user, "instrument.change", instrument),
    }


def _managed_instrument(request: HttpRequest, pk: int) -> Instrument:
    instrument = _get_instrument(pk)
    _require_manage(request.user, instrument)
    return instrument


@require_GET
@login_required_or_redirect
@domain_errors
def manage_instrument(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = _managed_instrument(request, pk)
    return render(request, "instruments/manage_instrument.html", _manage_context(request, instrument))


def _manage_failed(request: HttpRequest, instrument: Instrument, name: str, form: Any) -> HttpResponse:
    """The manager page again, with the form that failed and its errors (422)."""
    context = _manage_context(request, instrument, **{name: form})
    context["open_form"] = name
    return render(request, "instruments/manage_instrument.html", context, status=422)


def _put_errors(form: Any, exc: ValidationFailed, aliases: dict[str, str] | None = None) -> None:
    details = exc.details if isinstance(exc.details, dict) else {}
    placed = False
    for key, msgs in details.items():
        name = (aliases or {}).get(key, key.removeprefix("policy."))
        if name in form.fields and isinstance(msgs, list):  # {field: [messages]}, not facts like a clash's times
            for msg in msgs:
                form.add_error(name, str(msg))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def _find_user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username.strip()).first()


def _manage_form_step(
    request: HttpRequest,
    instrument: Instrument,
    name: str,
    form: Any,
    call: Callable[[], Any],
    success: str,
    aliases: dict[str, str] | None = None,
    busy_on_form: bool = False,
) -> HttpResponse:
    """Run a manager's form through its service: on success a message and back to the manage
    page, else the page again with the service's errors beside the form's fields (and, with
    busy_on_form, a lock timeout as a form error instead of the 503 page)."""
    try:
        call()
    except ValidationFailed as exc:
        _put_errors(form, exc, aliases=aliases)
    except ServiceUnavailable:
        if not busy_on_form:
            raise
        form.add_error(None, _("系统繁忙，请稍后重试"))
    else:
        messages.success(request, success)
        return redirect("instruments:manage", pk=instrument.pk)
    return _manage_failed(request, instrument, name, form)


@require_POST
@login_required_or_redirect
@domain_errors
def blackout_add(request: HttpRequest, pk: int) -> HttpResponse:
    from nesta.instruments.services import registry

    instrument = _managed_instrument(request, pk)
    form = BlackoutForm(request.POST)
    if not form.is_valid():
        return _manage_failed(request, instrument, "blackout_form", form)
    d = form.cleaned_data
    return _manage_form_step(
        request,
        instrument,
        "blackout_form",
        form,
        lambda: registry.blackout_add(
            actor=request.user,
            instrument=instrument,
            start=d["start"],
            end=d["end"],
            kind=d["kind"],
            reason=d["reason"],
        ),
        _("已添加停机时段。"),
    )


@require_POST
@login_required_or_redirect
@domain_errors
def blackout_remove(request: HttpRequest, pk: int, blackout_id: int) -> HttpResponse:
    from nesta.instruments.services import registry

    instrument = _managed_instrument(request, pk)
    blackout = Blackout.objects.filter(pk=blackout_id, instrument=instrument).first()
    if blackout is None:
        raise Http404(_("未找到该停机时段。"))
    registry.blackout_remove(actor=request.user, blackout=blackout)
    messages.success(request, _("已删除停机时段。"))
    return redirect("instruments:manage", pk=instrument.pk)


@require_POST
@login_required_or_redirect
@domain_errors
def qualification_grant(request: HttpRequest, pk: int) -> HttpResponse:
    from nesta.instruments.services import registry

    instrument = _managed_instrument(request, pk)
    form = QualificationForm(request.POST)
    user = _find_user(form.cleaned_data["username"]) if form.is_valid() else None
    if form.is_valid() and user is None:
        form.add_error("username", _("未找到该用户。"))
    if user is None:
        return _manage_failed(request, instrument, "qualification_form", form)
    return _manage_form_step(
        request,
        instrument,
        "qualification_form",
        form,
        lambda: registry.qualification_grant(
            actor=request.user, instrument=instrument, user=user, expires_at=form.cleaned_data["expires_at"]
        ),
        _("已授予 %(user)s 上机资格。") % {"user": user},
    )


@require_POST
@login_required_or_redirect
@domain_errors
def qualification_revoke(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    from django.contrib.auth import get_user_model

    from nesta.instruments.services import registry

    instrument = _managed_instrument(request, pk)
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not registry.qualification_revoke(actor=request.user, instrument=instrument, user=user):
        raise Http404(_("未找到该上机资格。"))
    messages.success(request, _("已撤销 %(user)s 的上机资格。") % {"user": user})
    return redirect("instruments:manage", pk=instrument.pk)


@require_POST
@login_required_or_redirect
@domain_errors
def usage_record(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = _managed_instrument(request, pk)
    form = UsageForm(request.POST)
    user = _find_user(form.cleaned_data["username"]) if form.is_valid() else None
    if form.is_valid() and user is None:
        form.add_error("username", _("未找到该用户。"))
    if user is None:
        return _manage_failed(request, instrument, "usage_form", form)
    d = form.cleaned_data
    return _manage_form_step(
        request,
        instrument,
        "usage_form",
        form,
        lambda: usage_record_service(
            actor=request.user,
            instrument=instrument,
            user=user,
            started_at=d["started_at"],
            ended_at=d["ended_at"],
            samples=d.get("samples") or 0,
            operator=(d.get("operator") or "").strip(),
            notes=(d.get("notes") or "").strip(),
        ),
        _("已登记 %(user)s 的使用记录。") % {"user": user},
        aliases={"user": "username"},
        busy_on_form=True,
    )


@require_http_methods(["GET", "POST"])
@login_required_or_redirect
@domain_errors
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The instrument's booking rules, saved through the registry service (which audits)."""
    from nesta.instruments.services import registry

    instrument = _managed_instrument(request, pk)
    if not can(request.user, "instrument.change", instrument):
        raise DjangoPermissionDenied(_("您没有修改该仪器的权限。"))
    policy = policy_of(instrument)
    status = 200
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                registry.instrument_update(actor=request.user, instrument=instrument, data=form.to_data())
            except ValidationFailed as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, _("已保存预约规则。"))
                return redirect("instruments:manage", pk=instrument.pk)
        status = 422
    else:
        form = PolicyForm(policy=policy)
    return render(request, "instruments/policy_form.html", {"instrument": instrument, "form": form}, status=status)
