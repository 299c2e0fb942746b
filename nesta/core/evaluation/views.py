"""What the evaluation pages of every app share: a result's reasons, shifts and grounds as rows to
show, in the app's words (its indicator catalogue's labels and units, its name for the subject
that reaches the national thresholds)."""

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _


class Indicator(Protocol):
    label: Any
    unit: Any


class ResultLike(Protocol):
    grounds: list[str]

    @property
    def reasons(self) -> list[dict[str, Any]]: ...

    @property
    def sensitivity(self) -> list[dict[str, Any]]: ...


GROUNDS = {
    "top_share": _("排名位于重点支持比例之内"),
    "bottom_share": _("排名位于整改比例之内"),
}


class Words:
    """An app's words for its evaluation pages: its catalogue of indicators by key and what it
    says of a provincial subject that reaches every national threshold."""

    def __init__(self, catalogue: Mapping[str, Indicator], national_thresholds: Any) -> None:
        self.catalogue = catalogue
        self.grounds = {**GROUNDS, "national_thresholds": national_thresholds}

    def label(self, key: str) -> Any:
        ind = self.catalogue.get(key)
        return ind.label if ind else key

    def grounds_text(self, grounds: Iterable[str]) -> list[Any]:
        out = []
        for g in grounds:
            if g.startswith("below_minimum:"):
                out.append(_("%(i)s低于最低要求") % {"i": self.label(g.split(":", 1)[1])})
            else:
                out.append(self.grounds.get(g, g))
        return out

    def reasons(self, result: ResultLike) -> list[dict[str, Any]]:
        out = []
        for r in result.reasons:
            ind = self.catalogue.get(r["indicator"])
            out.append({**r, "label": ind.label if ind else r["indicator"], "unit": ind.unit if ind else ""})
        return out

    def shifts(self, result: ResultLike) -> list[dict[str, Any]]:
        return [{**s, "label": self.label(s["indicator"])} for s in result.sensitivity]

    def rows(self, results: Iterable[ResultLike]) -> list[dict[str, Any]]:
        """A run page's rows: each result with its reasons, grounds and shifts."""
        return [
            {"result": r, "reasons": self.reasons(r), "grounds": self.grounds_text(r.grounds), "shifts": self.shifts(r)}
            for r in results
        ]
