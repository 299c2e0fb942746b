"""The market search page's filter form: the query string becomes typed ListingFilters.

A value that is not one of the choices (a stale link, a hand-edited URL) is dropped rather than
refused, so the page always renders; the API refuses the same values with 422."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.directory.forms import field_choices, province_choices
from nesta.market.models.choices import IPType, ListingKind, Maturity
from nesta.market.selectors.facets import DEFAULT_STATUSES, PRICE_BANDS, STATUS_FACET_VALUES
from nesta.market.selectors.search import MAX_QUERY, ListingFilters

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ListingSearchForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=MAX_QUERY)
    kind = forms.ChoiceField(label=_("类别"), required=False)
    field = forms.ChoiceField(label=_("重点领域"), required=False)
    province = forms.ChoiceField(label=_("省份"), required=False)
    status = forms.MultipleChoiceField(label=_("状态"), required=False)
    maturity = forms.ChoiceField(label=_("成熟度"), required=False)
    ip_type = forms.ChoiceField(label=_("知识产权类型"), required=False)
    price_band = forms.ChoiceField(label=_("价格区间"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部类别")), *ListingKind.choices]
        self.fields["field"].choices = field_choices(_("全部领域"), grouped=False)
        self.fields["province"].choices = province_choices(_("全部省份"))
        self.fields["status"].choices = [(s.value, s.label) for s in STATUS_FACET_VALUES]
        self.fields["maturity"].choices = [("", _("不限")), *Maturity.choices]
        self.fields["ip_type"].choices = [("", _("不限")), *IPType.choices]
        self.fields["price_band"].choices = [("", _("不限")), *((b.code, b.label) for b in PRICE_BANDS)]
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("搜索成果、需求、产能、服务……如：铸件 砂眼"), "type": "search"}
        )

    def filters(self) -> ListingFilters:
        if not self.is_bound:
            return ListingFilters()
        self.is_valid()
        data = self.cleaned_data
        # Drop what failed its choice (cleaned_data lacks it); keep the rest.
        q = _CONTROL.sub(" ", (self.data.get("q") or "") if "q" not in data else (data.get("q") or ""))
        given = [part.strip() for value in self.data.getlist("status") for part in value.split(",")]
        statuses = tuple(s for s in given if s in {str(v) for v in STATUS_FACET_VALUES})
        return ListingFilters(
            q=q.strip()[:MAX_QUERY],
            kind=data.get("kind") or "",
            field=data.get("field") or "",
            province=data.get("province") or "",
            statuses=tuple(dict.fromkeys(statuses)) or DEFAULT_STATUSES,
            maturity=data.get("maturity") or "",
            ip_type=data.get("ip_type") or "",
            price_band=data.get("price_band") or "",
        )
