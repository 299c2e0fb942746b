"""Web forms of the instrument network. They only shape input into the plain values the services
and selectors take; every booking rule is checked by the services (instruments.policy), whose
errors the views show beside the calendar."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.core.templatetags.nesta import loc
from nesta.core.validators import datetime_in_range
from nesta.directory.forms import _style, city_choices, province_choices
from nesta.directory.models import OrganizationKind
from nesta.instruments.forms.payers import account_field
from nesta.instruments.models import Blackout, BookingPolicy, InstrumentCategory
from nesta.instruments.selectors.registry import MAX_FREE_DAYS, InstrumentFilters

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    """<input type="datetime-local">, which wants "2026-12-01T09:00"."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


class LocalDateTimeField(forms.DateTimeField):
    """A date and time bounded like every time input (core.validators: 2000–2100), so a typed
    0001-01-01T00:00 is a form error, not an overflow further down."""

    default_validators = [datetime_in_range]


def category_choices(blank: Any) -> list[tuple[str, str]]:
    """The national classification: each class followed by its sub-classes, indented."""
    nodes = list(InstrumentCategory.objects.only("id", "code", "name", "name_en", "parent_id").order_by("code"))
    choices: list[tuple[str, str]] = [("", blank)]
    for node in nodes:
        choices.append((node.code, ("\u3000" if node.parent_id else "") + loc(node)))
    return choices


FREE_MINUTES_CHOICES = [
    ("", _("不限")),
    ("30", _("30 分钟")),
    ("60", _("1 小时")),
    ("120", _("2 小时")),
    ("240", _("4 小时")),
    ("480", _("8 小时")),
]


@dataclass(frozen=True)
class SearchFilters:
    """What the search page asks for (the web's view of the registry selector's filters)."""

    q: str = ""
    province: str = ""
    city: str = ""
    category: str = ""
    owner_kind: str = ""
    open_only: bool = False
    free_from: datetime | None = None
    free_to: datetime | None = None
    free_minutes: int | None = None

    @property
    def any(self) -> bool:
        return any((self.q, self.province, self.city, self.category, self.owner_kind, self.open_only, self.free_from))

    def for_selector(self) -> InstrumentFilters:
        """The registry selector's filters (free_from/free_to are its available_from/to)."""
        return InstrumentFilters(
            **{k: getattr(self, k) for k in ("q", "province", "city", "category", "owner_kind", "open_only")},
            available_from=self.free_from,
            available_to=self.free_to,
            free_minutes=self.free_minutes if self.free_from else None,
        )


class InstrumentFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    province = forms.ChoiceField(label=_("省份"), required=False)
    city = forms.ChoiceField(label=_("城市"), required=False)
    category = forms.ChoiceField(label=_("仪器分类"), required=False)
    owner_kind = forms.ChoiceField(label=_("所属单位类型"), required=False)
    open = forms.BooleanField(label=_("仅对外开放的仪器"), required=False)
    free_from = LocalDateTimeField(label=_("自"), required=False, widget=DateTimeLocalInput())
    free_to = LocalDateTimeField(label=_("至"), required=False, widget=DateTimeLocalInput())
    free_minutes = forms.TypedChoiceField(
        label=_("连续时长"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=FREE_MINUTES_CHOICES,
        help_text=_(
            "列出您在该时段内可以预约的仪器：按开放时间、停机、提前量、时长、培训等规则，至少有一段不短于单次最短时长（或所选时长）的空闲。"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = province_choices(_("全部省份"))
        province = self.data.get("province", "") if self.is_bound else ""
        province = province if province in {code for code, _label in provinces if code} else ""
        self.fields["province"].choices = provinces
        self.fields["city"].choices = city_choices(_("全部城市"), province)
        self.fields["category"].choices = category_choices(_("全部分类"))
        self.fields["owner_kind"].choices = [("", _("全部类型")), *OrganizationKind.choices]
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("输入仪器名称、型号、功能等，如：扫描电镜、核磁共振、液质联用"), "type": "search"}
        )
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("city") and data.get("province") and not data["city"].startswith(data["province"][:2]):
            data["city"] = ""
        start, end = data.get("free_from"), data.get("free_to")
        if start and not end or end and not start:
            self.add_error("free_to" if start else "free_from", _("请同时填写空闲时段的起止时间。"))
        elif start and end and end <= start:
            self.add_error("free_to", _("结束时间必须晚于开始时间。"))
        elif start and end and end - start > timedelta(days=MAX_FREE_DAYS):
            self.add_error("free_to", _("空闲时段跨度不能超过 %(d)d 天。") % {"d": MAX_FREE_DAYS})
        return data

    def filters(self) -> SearchFilters:
        if not self.is_bound:
            return SearchFilters()
        valid = self.is_valid()
        data = self.cleaned_data
        free_ok = valid or not ({"free_from", "free_to"} & set(self.errors))
        return SearchFilters(
            q=(data.get("q") or "").strip(),
            province=data.get("province") or "",
            city=data.get("city") or "",
            category=data.get("category") or "",
            owner_kind=data.get("owner_kind") or "",
            open_only=bool(data.get("open")),
            free_from=data.get("free_from") if free_ok else None,
            free_to=data.get("free_to") if free_ok else None,
            free_minutes=data.get("free_minutes") if free_ok else None,
        )


class BookingForm(forms.Form):
    start = LocalDateTimeField(label=_("开始时间"), widget=DateTimeLocalInput(attrs={"step": 900}))
    end = LocalDateTimeField(label=_("结束时间"), widget=DateTimeLocalInput(attrs={"step": 900}))
    purpose = forms.CharField(
        label=_("用途"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("如：金属断口形貌观察")}),
        error_messages={"required": _("请填写预约用途。")},
    )
    repeat = forms.BooleanField(label=_("每周重复"), required=False)
    weeks = forms.IntegerField(
        label=_("重复周数"),
        min_value=2,
        max_value=52,
        required=False,
        initial=4,
        help_text=_("同一时段连续预约若干周；冲突或不符合规则的日期将跳过并列出。"),
    )
    account_id = account_field()  # the user's payer accounts: forms.payers.with_accounts (the views)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            self.fields[name].error_messages["required"] = _("请在日历中选择时段，或填写时间。")
            self.fields[name].error_messages["invalid"] = _("请输入有效的日期和时间。")
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("repeat") and not data.get("weeks"):
            self.add_error("weeks", _("请填写重复周数（2–52）。"))
        return data

    def week_count(self) -> int:
        data = self.cleaned_data
        return int(data.get("weeks") or 1) if data.get("repeat") else 1


class QuoteForm(forms.Form):
    """The slot a quote is asked for (the booking form's start and end, as they are typed)."""

    start = LocalDateTimeField()
    end = LocalDateTimeField()
    # the account the booking form has chosen; anything not an id of the user's is ignored
    account_id = forms.CharField(required=False, max_length=40)


class CheckOutForm(forms.Form):
    samples = forms.IntegerField(label=_("样品数"), min_value=0, max_value=100000, initial=0, required=False)
    notes = forms.CharField(label=_("使用情况"), max_length=2000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class BlackoutForm(forms.Form):
    # a shutdown (故障停机) has its own form: it flags or cancels the bookings in it
    kind = forms.ChoiceField(
        label=_("类型"), choices=[c for c in Blackout.Kind.choices if c[0] != Blackout.Kind.SHUTDOWN]
    )
    start = LocalDateTimeField(label=_("开始"), widget=DateTimeLocalInput())
    end = LocalDateTimeField(label=_("结束"), widget=DateTimeLocalInput())
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class QualificationForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150, help_text=_("通过培训的用户的登录名。"))
    expires_at = LocalDateTimeField(
        label=_("有效期至"), required=False, widget=DateTimeLocalInput(), help_text=_("留空表示长期有效。")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class UsageForm(forms.Form):
    """A session the manager records (walk-in use, or one nobody checked into)."""

    username = forms.CharField(label=_("使用人（用户名）"), max_length=150)
    started_at = LocalDateTimeField(label=_("开机时间"), widget=DateTimeLocalInput())
    ended_at = LocalDateTimeField(label=_("关机时间"), widget=DateTimeLocalInput())
    samples = forms.IntegerField(label=_("样品数"), min_value=0, max_value=1_000_000, initial=0, required=False)
    operator = forms.CharField(label=_("操作人"), max_length=50, required=False)
    notes = forms.CharField(label=_("备注"), max_length=5000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


WEEKDAY_CHOICES = [
    ("1", _("周一")),
    ("2", _("周二")),
    ("3", _("周三")),
    ("4", _("周四")),
    ("5", _("周五")),
    ("6", _("周六")),
    ("7", _("周日")),
]

POLICY_FORM_FIELDS = [
    "open_from",
    "open_until",
    "advance_days",
    "min_notice_minutes",
    "min_minutes",
    "max_minutes",
    "gap_minutes",
    "daily_quota_minutes_user",
    "weekly_quota_minutes_user",
    "weekly_quota_minutes_org",
    "requires_training",
    "external_requires_approval",
    "cancel_deadline_hours",
    "no_show_grace_minutes",
    "no_show_limit",
    "no_show_window_days",
    "suspension_days",
]


class PolicyForm(forms.Form):
    """An instrument's booking rules; saved through instrument_update(data={"policy": ...})."""

    weekdays = forms.MultipleChoiceField(
        label=_("开放日"), choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, policy: BookingPolicy | None = None, **kwargs: Any) -> None:
        if policy is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(policy, name) for name in POLICY_FORM_FIELDS}
            kwargs["initial"]["weekdays"] = list(policy.weekdays or "")
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(BookingPolicy, fields=POLICY_FORM_FIELDS))
        for name in ("open_from", "open_until"):
            self.fields[name].widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
        self.fields["open_until"].help_text = _("开放起止相同表示全天开放。")
        for name in ("daily_quota_minutes_user", "weekly_quota_minutes_user", "weekly_quota_minutes_org"):
            self.fields[name].help_text = _("留空表示不限。")
        _style(self)
        self.fields["weekdays"].widget.attrs["class"] = "form-check-input"

    def to_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in POLICY_FORM_FIELDS}
        data["weekdays"] = "".join(sorted(self.cleaned_data.get("weekdays") or []))
        for name in ("requires_training", "external_requires_approval"):
            data[name] = bool(data[name])
        return {"policy": data}
