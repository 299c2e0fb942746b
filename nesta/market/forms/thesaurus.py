"""The operator's form of a thesaurus concept: its fields and its terms, one box per role.

Terms are written one per line (or separated by 、，,;); ``*`` between two parts matches them
with a few characters between (焊缝*裂 finds 焊缝老是裂). The service checks every rule."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.market.models import ThesaurusConcept, ThesaurusTerm

ROLE_FIELDS = {
    ThesaurusTerm.Role.PROBLEM: "problem_terms",
    ThesaurusTerm.Role.PHENOMENON: "phenomenon_terms",
    ThesaurusTerm.Role.TECHNIQUE: "technique_terms",
    ThesaurusTerm.Role.SYNONYM: "synonym_terms",
}
_SPLIT = re.compile(r"[\n\r、，,;；]+")


def _field_choices() -> list[tuple[str, str]]:
    from nesta.core.selectors import taxonomy_flat

    return [("", _("（不限）"))] + [(n.code, "\u3000" * n.depth + n.name) for n in taxonomy_flat()]


class ConceptForm(forms.Form):
    name = forms.CharField(label=_("概念"), max_length=60)
    field = forms.ChoiceField(label=_("所属领域"), required=False, choices=())
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    problem_terms = forms.CharField(
        label=_("问题表述（企业的说法）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个；用 * 连接两部分可容许中间夹字，如“焊缝*裂”。"),
    )
    phenomenon_terms = forms.CharField(label=_("现象"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    technique_terms = forms.CharField(
        label=_("技术（学术说法）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    synonym_terms = forms.CharField(label=_("同义词"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, concept: ThesaurusConcept | None = None, **kwargs: Any) -> None:
        if concept is not None and "initial" not in kwargs and not args:
            initial: dict[str, Any] = {
                "name": concept.name,
                "field": concept.field.code if concept.field_id else "",
                "note": concept.note,
                "is_active": concept.is_active,
            }
            for role, name in ROLE_FIELDS.items():
                initial[name] = "\n".join(t.term for t in concept.terms.all() if t.role == role)
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = _field_choices()
        for f in self.fields.values():
            css = "form-check-input" if isinstance(f.widget, forms.CheckboxInput) else "form-control"
            if isinstance(f.widget, forms.Select):
                css = "form-select"
            f.widget.attrs["class"] = css

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        terms = []
        for role, name in ROLE_FIELDS.items():
            for term in _SPLIT.split(d.get(name) or ""):
                if term.strip():
                    terms.append({"term": term.strip(), "role": str(role)})
        return {
            "name": d["name"],
            "field": d.get("field") or "",
            "note": d.get("note") or "",
            "is_active": bool(d.get("is_active")),
            "terms": terms,
        }


class ConceptFilterForm(forms.Form):
    q = forms.CharField(label=_("词语"), max_length=40, required=False)
    field = forms.ChoiceField(label=_("领域"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = _field_choices()
        self.fields["q"].widget.attrs.update({"class": "form-control", "placeholder": _("概念或词语")})
        self.fields["field"].widget.attrs["class"] = "form-select"
