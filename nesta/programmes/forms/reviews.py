"""The expert's review form: one field per criterion on its scale, then the overall grade, the
funding opinion, familiarity and the comments. The service checks everything again."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.programmes.models import Criterion, CriterionScale, Familiarity, Grade, Opinion
from nesta.programmes.services.reviews import COMMENTS_MAX, ReviewInput

SCALE_CHOICES = {
    CriterionScale.GRADE: Grade.choices,
    CriterionScale.OPINION: Opinion.choices,
    CriterionScale.FAMILIARITY: Familiarity.choices,
}


class ReviewForm(forms.Form):
    grade = forms.ChoiceField(label=_("综合评价"), choices=Grade.choices, widget=forms.RadioSelect)
    opinion = forms.ChoiceField(label=_("资助意见"), choices=Opinion.choices, widget=forms.RadioSelect)
    familiarity = forms.ChoiceField(label=_("熟悉程度"), choices=Familiarity.choices, widget=forms.RadioSelect)
    comments = forms.CharField(
        label=_("评审意见"), max_length=COMMENTS_MAX, widget=forms.Textarea(attrs={"rows": 8}), strip=True
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        fields: dict[str, forms.Field] = {}
        for c in criteria:
            name = f"score_{c.code}"
            label = f"{c.name}（{_('权重')} {c.weight.normalize()}）"
            if c.scale == CriterionScale.SCORE:
                fields[name] = forms.DecimalField(
                    label=label,
                    min_value=0,
                    max_value=c.max_score,
                    decimal_places=1,
                    help_text=c.description or _("0–%(m)d 分") % {"m": c.max_score},
                )
            else:
                fields[name] = forms.ChoiceField(
                    label=label, choices=SCALE_CHOICES[c.scale], help_text=c.description, widget=forms.RadioSelect
                )
        # the criteria first, in their order
        self.fields = {**fields, **self.fields}

    def score_fields(self) -> list[Any]:
        return [self[f"score_{c.code}"] for c in self.criteria]

    def other_fields(self) -> list[Any]:
        return [self[n] for n in ("grade", "opinion", "familiarity", "comments")]

    def to_data(self) -> ReviewInput:
        d = self.cleaned_data
        scores: dict[str, Any] = {}
        for c in self.criteria:
            value = d.get(f"score_{c.code}")
            scores[c.code] = str(value) if c.scale == CriterionScale.SCORE and value is not None else value
        return ReviewInput(
            scores=scores,
            grade=d["grade"],
            opinion=d["opinion"],
            familiarity=d["familiarity"],
            comments=d["comments"],
        )
