"""The rules a listing must keep, checked before any write (create, update, import).

`check_listing(data, kind=…, today=…, timed=…)` takes the listing's fields as they will be
saved (a create's input, or an update's patch merged over the stored values) and returns the
clean values, or raises one ValidationFailed naming every broken rule: `details` maps each field
to its messages (`price_low`, `details.disclosure_end`, …), `details["codes"]` maps each field
to the stable code of its first broken rule, and the error's own `code` is the first rule's.

The rules: the common fields (title 2–120 characters on one line, summary, at most 20 keywords,
a field of the taxonomy, a city inside the province, phone and e-mail formats, validity between
today and three years on); the kind's `details` (nesta.market.kinds); the facets a kind has or
must leave empty (KIND_FACETS: maturity, IP type, price); prices (below MONEY_MAX, low ≤ high,
面议 = price_negotiable with no prices); and for state-owned property rights the rules of
state-asset transfer (企业国有资产交易监督管理办法, 国资委 财政部令第32号):
- the disclosure period is at least 20 working days, counted Monday to Friday from
  disclosure_start to disclosure_end inclusive. Public holidays (and the weekend days made
  working days around them) are not known to the platform and are ignored: an operator
  planning a disclosure over 国庆 or 春节 must lengthen it themselves;
- on a first disclosure (relisting 0) the floor price is not below the appraised value;
- on a re-disclosure a floor below 90 % of the appraised value needs the approval recorded
  (approval_reference and approval_by).

`timed` names the fields whose date is checked against today (what the caller sets now): an
old listing whose validity has run out can still have its summary corrected.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from nesta.core import validators as v
from nesta.core.errors import ValidationFailed
from nesta.core.models import Region, TaxonomyNode
from nesta.market.kinds import KIND_FACETS, validate_details
from nesta.market.models import IPType, ListingKind, Maturity

TITLE_MIN, TITLE_MAX = 2, 120
SUMMARY_MAX = 4000
KEYWORDS_MAX = 20
KEYWORD_MAX_CHARS = 30
KEYWORDS_FIELD_MAX = 300  # the column
VALIDITY_YEARS = 3
DISCLOSURE_MIN_WORKING_DAYS = 20
REDISCLOSURE_FLOOR = Decimal("0.9")  # below 90 % of the appraisal: an approval is needed
# The common fields a caller may set (the facets and details besides).
COMMON_FIELDS = (
    "title",
    "summary",
    "keywords",
    "field",
    "province",
    "city",
    "contact_name",
    "contact_phone",
    "contact_email",
    "valid_until",
)
FACET_FIELDS = ("maturity", "ip_type", "price_low", "price_high", "price_negotiable")
INPUT_FIELDS = frozenset({"kind", "organization", *COMMON_FIELDS, *FACET_FIELDS, "details"})

# 手机 13812345678 / +86 138 1234 5678; 座机 024-12345678, (024)1234567, 0411 8765 4321 转 801;
# 400/800 hotlines; international numbers with a leading +.
_PHONE = re.compile(
    r"^(?:"
    r"(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}"
    r"|(?:\+?86[ -]?)?(?:\(0\d{2,3}\)|0\d{2,3})[ -]?\d{3,4}[ -]?\d{4}(?:[ -]?(?:转|ext\.?|x|-)[ ]?\d{1,6})?"
    r"|[48]00[ -]?\d{3}[ -]?\d{4}"
    r"|\+(?:[1-9]\d{0,2})[ -]?\d(?:[ -]?\d){5,13}"
    r")$"
)
_KEYWORD_SPLIT = re.compile(r"[,，、;；\s]+")


@dataclass
class Problems:
    """The broken rules found so far: messages per field, the first code per field."""

    details: dict[str, list[str]] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    first: tuple[str, str] | None = None  # (code, message) of the first rule broken

    def add(self, name: str, message: Any, code: str = "validation_error") -> None:
        self.details.setdefault(name, []).append(str(message))
        self.codes.setdefault(name, code)
        if self.first is None:
            self.first = (code, str(message))

    def take(self, exc: ValidationFailed, code: str | None = None) -> None:
        details = exc.details if isinstance(exc.details, dict) else {}
        for name, messages in details.items():
            for message in messages if isinstance(messages, list) else [messages]:
                self.add(name, message, code or exc.code)
        if not details:
            self.add("__all__", exc.message, code or exc.code)

    def has(self, name: str) -> bool:
        return name in self.details

    def __bool__(self) -> bool:
        return bool(self.details)

    def error(self) -> ValidationFailed:
        code, message = self.first or ("validation_error", str(_("提交的数据未通过校验。")))
        return ValidationFailed(message, code=code, details={**self.details, "codes": dict(self.codes)})


def working_days(start: date, end: date) -> int:
    """Monday–Friday days from start to end, both included (public holidays not known)."""
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for i in range(rest):
        if (start + timedelta(days=weeks * 7 + i)).weekday() < 5:
            count += 1
    return count


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def split_keywords(value: Any) -> list[str]:
    """Keywords from text (split at commas, 、, semicolons or spaces) or a list; duplicates dropped."""
    if value is None:
        return []
    if isinstance(value, str):
        items = [v.clean_text(value, field="keywords", max_length=2000)]
    elif isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        items = [v.clean_text(item, field="keywords", max_length=200, multiline=False) for item in value[:200]]
    else:
        raise ValidationFailed(details={"keywords": [_("应为文本或文本列表。")]})
    out: list[str] = []
    for item in items:
        for word in _KEYWORD_SPLIT.split(item):
            if len(word) > KEYWORD_MAX_CHARS:
                raise ValidationFailed(
                    details={"keywords": [_("每个关键词最多 %(n)d 个字。") % {"n": KEYWORD_MAX_CHARS}]}
                )
            if word and word not in out:
                out.append(word)
    return out


def _text(p: Problems, data: dict[str, Any], name: str, max_length: int, **kw: Any) -> str:
    try:
        return v.clean_text(data.get(name), field=name, max_length=max_length, **kw)
    except ValidationFailed as exc:
        p.take(exc)
        return ""


def _choice(p: Problems, name: str, value: Any, choices: Any, rule: str) -> str:
    """A facet column: required / optional / absent (must stay empty) for the kind."""
    value = "" if value is None else value
    if not isinstance(value, str):
        p.add(name, _("应为文本。"))
        return ""
    value = value.strip()
    if rule == "absent":
        if value:
            p.add(name, _("该类别没有此项，请留空。"), "facet_not_allowed")
        return ""
    if not value:
        if rule == "required":
            p.add(name, _("此类别须填写此项。"), "facet_required")
        return ""
    if value not in choices.values:
        p.add(name, _("无效的选项：%(v)s") % {"v": value[:40]}, "invalid_choice")
        return ""
    return value


def _money(p: Problems, name: str, value: Any) -> Decimal | None:
    if isinstance(value, float):
        value = repr(value)
    try:
        return v.money_yuan(value, field=name, required=False)
    except ValidationFailed as exc:
        p.take(exc, "invalid_amount")
        return None


def _check_prices(p: Problems, kind: str, data: dict[str, Any], clean: dict[str, Any]) -> None:
    facets = KIND_FACETS[kind]
    low = _money(p, "price_low", data.get("price_low"))
    high = _money(p, "price_high", data.get("price_high"))
    negotiable = data.get("price_negotiable", False)
    if negotiable is None:
        negotiable = False
    if not isinstance(negotiable, bool):
        p.add("price_negotiable", _("应为 true 或 false。"))
        negotiable = False
    required = bool(facets.get("price_required"))
    if negotiable and (low is not None or high is not None):
        p.add("price_negotiable", _("选择“面议”时不填写价格。"), "negotiable_with_price")
    if required:
        if negotiable:
            p.add("price_negotiable", _("此类别须填写金额，不能面议。"), "price_required")
        elif kind == ListingKind.PROPERTY_RIGHT and low is None and not p.has("price_low"):
            p.add("price_low", _("请填写挂牌底价。"), "price_required")
        elif low is None and high is None and not (p.has("price_low") or p.has("price_high")):
            p.add("price_low", _("请填写%(what)s。") % {"what": facets["price"]}, "price_required")
    if low is not None and high is not None and low > high:
        p.add("price_high", _("上限不能低于下限。"), "price_range_inverted")
    if not required and low is None and high is None and not p.has("price_low") and not p.has("price_high"):
        negotiable = True  # no price given: 面议
    clean.update(price_low=low, price_high=high, price_negotiable=bool(negotiable))


def _check_property_right(p: Problems, details: dict[str, Any], floor: Decimal | None) -> None:
    """The state-asset rules on a property right's details (see the module's docstring)."""
    appraised = Decimal(str(details["appraised_value"]))
    start = details.get("disclosure_start")
    end = details.get("disclosure_end")
    start_d = date.fromisoformat(start) if start else None
    end_d = date.fromisoformat(end) if end else None
    if start_d and end_d and end_d < start_d:
        p.add("details.disclosure_end", _("披露截止日期不能早于起始日期。"), "disclosure_inverted")
    if not details.get("state_owned"):
        return
    if start_d is None:
        p.add("details.disclosure_start", _("国有资产转让须填写信息披露起始日期。"), "disclosure_required")
    if end_d is None:
        p.add("details.disclosure_end", _("国有资产转让须填写信息披露截止日期。"), "disclosure_required")
    if start_d and end_d and end_d >= start_d:
        n = working_days(start_d, end_d)
        if n < DISCLOSURE_MIN_WORKING_DAYS:
            p.add(
                "details.disclosure_end",
                _("国有资产转让信息披露期不少于 %(min)d 个工作日（现为 %(n)d 个工作日，按周一至周五计）。")
                % {"min": DISCLOSURE_MIN_WORKING_DAYS, "n": n},
                "disclosure_too_short",
            )
    if floor is None:
        return
    if int(details.get("relisting", 0)) == 0:
        if floor < appraised:
            p.add(
                "price_low",
                _("首次挂牌的国有资产底价不得低于评估值（%(a)s元）。") % {"a": f"{appraised:,.2f}"},
                "floor_below_appraisal",
            )
    elif floor < appraised * REDISCLOSURE_FLOOR:
        for name, label in (("approval_reference", _("批准文件文号")), ("approval_by", _("批准单位"))):
            if not details.get(name):
                p.add(
                    f"details.{name}",
                    _("重新挂牌底价低于评估值的 90%%，须填写%(what)s。") % {"what": label},
                    "approval_required",
                )


def _check_kind_dates(p: Problems, kind: str, details: dict[str, Any], today: date) -> None:
    deadline = details.get("deadline")
    if deadline and kind in (ListingKind.DEMAND, ListingKind.OUTSOURCING):
        if date.fromisoformat(deadline) < today:
            p.add("details.deadline", _("期限不能早于今天。"), "deadline_past")


def _check_regions(p: Problems, details: dict[str, Any]) -> None:
    codes = details.get("regions") or []
    if not codes:
        return
    bad = [c for c in codes if not re.fullmatch(r"\d{6}", c)]
    known = set(Region.objects.filter(code__in=[c for c in codes if c not in bad]).values_list("code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        p.add("details.regions", _("未知的行政区划代码：%(c)s") % {"c": "、".join(unknown[:5])}, "unknown_region")
    details["regions"] = list(dict.fromkeys(codes))


def _contacts(p: Problems, data: dict[str, Any], clean: dict[str, Any]) -> None:
    clean["contact_name"] = _text(p, data, "contact_name", 50, multiline=False)
    phone = _text(p, data, "contact_phone", 30, multiline=False)
    if phone and not _PHONE.match(phone):
        p.add("contact_phone", _("电话格式有误，例如 13812345678 或 024-12345678。"), "invalid_phone")
    clean["contact_phone"] = phone
    email = _text(p, data, "contact_email", 254, multiline=False)
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            p.add("contact_email", _("邮箱格式有误。"), "invalid_email")
    clean["contact_email"] = email


def _region(p: Problems, name: str, value: Any, level: str) -> Region | None:
    if isinstance(value, Region):
        return value
    try:
        return v.region_code(value, field=name, level=level)
    except ValidationFailed as exc:
        p.take(exc, "unknown_region")
        return None


def _field(p: Problems, value: Any) -> TaxonomyNode | None:
    if isinstance(value, TaxonomyNode):
        return value
    if value in (None, ""):
        p.add("field", _("请选择所属领域。"), "field_required")
        return None
    if not isinstance(value, str) or len(value) > 60:
        p.add("field", _("未知的重点领域。"), "unknown_field")
        return None
    node = TaxonomyNode.objects.filter(code=value.strip()).first()
    if node is None:
        p.add("field", _("未知的重点领域：%(c)s") % {"c": value[:60]}, "unknown_field")
    return node


def _valid_until(p: Problems, value: Any, today: date, timed: bool) -> date | None:
    if value in (None, ""):
        return today + timedelta(days=365) if timed else None
    try:
        day = v.local_date(value, field="valid_until")
    except ValidationFailed as exc:
        p.take(exc)
        return None
    if timed:
        latest = add_years(today, VALIDITY_YEARS)
        if not today <= day <= latest:
            p.add(
                "valid_until",
                _("有效期应在今天（%(a)s）到三年后（%(b)s）之间。") % {"a": today, "b": latest},
                "validity_out_of_range",
            )
    return day


def check_listing(
    data: dict[str, Any], *, kind: Any, today: date, timed: frozenset[str] | set[str] = frozenset()
) -> dict[str, Any]:
    """The clean values of a listing of `kind` (see the module's docstring), or ValidationFailed."""
    p = Problems()
    if not isinstance(kind, str) or kind not in ListingKind.values:
        p.add("kind", _("不支持的类别。"), "unknown_kind")
        raise p.error()
    unknown = sorted(str(k)[:40] for k in data if k not in INPUT_FIELDS)
    for name in unknown:
        p.add(name, _("不支持的字段。"), "unknown_field_name")
    clean: dict[str, Any] = {}
    title = _text(p, data, "title", TITLE_MAX, multiline=False)
    if not p.has("title") and len(title) < TITLE_MIN:
        p.add("title", _("标题至少 %(n)d 个字。") % {"n": TITLE_MIN}, "title_too_short")
    clean["title"] = title
    clean["summary"] = _text(p, data, "summary", SUMMARY_MAX, required=True)
    try:
        words = split_keywords(data.get("keywords"))
    except ValidationFailed as exc:
        p.take(exc)
        words = []
    if len(words) > KEYWORDS_MAX:
        p.add(
            "keywords",
            _("关键词最多 %(n)d 个（现有 %(m)d 个）。") % {"n": KEYWORDS_MAX, "m": len(words)},
            "too_many_keywords",
        )
    clean["keywords"] = ",".join(words)
    if len(clean["keywords"]) > KEYWORDS_FIELD_MAX and not p.has("keywords"):
        p.add("keywords", _("关键词总长度过长。"))
    clean["field"] = _field(p, data.get("field"))
    province = _region(p, "province", data.get("province"), "province")
    city = None
    if data.get("city") not in (None, ""):
        city = _region(p, "city", data.get("city"), "city")
        if city is not None and province is not None and city.parent_id != province.pk:
            p.add("city", _("城市“%(c)s”不属于%(p)s。") % {"c": city.name, "p": province.name}, "city_not_in_province")
    clean.update(province=province, city=city)
    _contacts(p, data, clean)
    clean["valid_until"] = _valid_until(p, data.get("valid_until"), today, "valid_until" in timed)
    facets = KIND_FACETS[kind]
    clean["maturity"] = _choice(p, "maturity", data.get("maturity"), Maturity, facets.get("maturity", "absent"))
    clean["ip_type"] = _choice(p, "ip_type", data.get("ip_type"), IPType, facets.get("ip_type", "absent"))
    _check_prices(p, kind, data, clean)
    details: dict[str, Any] | None = None
    try:
        details = validate_details(kind, data.get("details"))
    except ValidationFailed as exc:
        p.take(exc, "invalid_details")
    if details is not None:
        if "details" in timed:
            _check_kind_dates(p, kind, details, today)
        if kind == ListingKind.INVESTOR:
            _check_regions(p, details)
        if kind == ListingKind.PROPERTY_RIGHT and not p.has("price_low"):
            _check_property_right(p, details, clean["price_low"])
    clean["details"] = details if details is not None else {}
    if p:
        raise p.error()
    return clean
