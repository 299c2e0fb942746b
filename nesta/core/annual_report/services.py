"""Writes of an annual report, one skeleton for every app that has one (AnnualReportWrites).

The owner's people (`<prefix>.fill`) create a draft for a year and edit its typed figures while it
is a draft or returned; each step of the workflow goes through the lifecycle table. Submitting
checks the figures once more and freezes the derived ones (`derive(report)`, the app's reading of
the platform's records) with the time; a return always says why (status_note, kept on the record
and in the audit row), and submitting again clears it.

    REPORTS = AnnualReportWrites(lifecycle=REPORT, prefix="base_report", owner_model=Base,
        owner_field="base", owner_related=("host__province", "organization"), typed=TYPED,
        derive=lambda r: derived_figures(...).as_fields(), consistent=_consistent,
        owner_not_found=_("未找到该创新基地。"), exists=_("该基地 %(y)d 年度报告已存在。"))
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar, cast

from django.db import IntegrityError, models
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.annual_report.models import EDITABLE, AnnualReport
from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.lifecycle import Lifecycle, Transition
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import bounded_int, clean_text, money_yuan

YEAR_MIN, YEAR_MAX = 2000, 2100
COUNT_MAX = 10_000_000  # a typed count above this is a typo (ten million papers)
MONEY_MAX = Decimal(10) ** 14  # DecimalField(16, 2)
REASON_MAX = 1000
SUMMARY_MAX = 8000

R = TypeVar("R", bound=AnnualReport)  # the app's concrete report model


def report_error(field: str, message: str, code: str = "invalid_report") -> ValidationFailed:
    """A refused figure, on its field (the apps' consistency checks raise these)."""
    return ValidationFailed(message, code=code, details={field: [message]})


def _no_check(report: Any) -> None:
    return None


@dataclass(frozen=True)
class AnnualReportWrites(Generic[R]):
    lifecycle: Lifecycle
    prefix: str  # the permissions' and audit events' prefix: "base_report"
    owner_model: type[models.Model]
    owner_field: str  # the report's ForeignKey to its owner: "base"
    owner_related: tuple[str, ...]  # the owner's select_related (its permission target, consistent())
    typed: Sequence[Any]  # the typed indicators (key, money)
    derive: Callable[[Any], dict[str, Any]]  # the derived figures of a report, as its fields
    owner_not_found: Any
    exists: Any  # "该基地 %(y)d 年度报告已存在。"
    consistent: Callable[[Any], None] = _no_check  # raises report_error() when figures disagree
    count_max: int = COUNT_MAX

    def __post_init__(self) -> None:
        # the table and these writes must speak of the same permissions
        if self.lifecycle.transition("submit").permission != f"{self.prefix}.fill":
            raise ValueError(f"{self.prefix}: the lifecycle's submit is not {self.prefix}.fill")

    @property
    def fill(self) -> str:
        return f"{self.prefix}.fill"

    @property
    def fields(self) -> list[str]:
        """What the owner's people write (the audit rows' fields)."""
        return ["summary", *(i.key for i in self.typed)]

    @property
    def report_model(self) -> type[R]:
        return cast(type[R], self.lifecycle.model)

    def clean(self, data: dict[str, Any]) -> dict[str, Any]:
        """The given figures, checked one by one (absent or None: left as they are)."""
        out: dict[str, Any] = {}
        if "summary" in data:
            out["summary"] = clean_text(data.get("summary"), field="summary", max_length=SUMMARY_MAX)
        for ind in self.typed:
            if ind.key not in data or data[ind.key] is None:
                continue
            if ind.money:
                out[ind.key] = money_yuan(data[ind.key], field=ind.key, maximum=MONEY_MAX)
            else:
                out[ind.key] = bounded_int(data[ind.key], field=ind.key, maximum=self.count_max)
        return out

    def create(self, *, actor: Any, owner_id: int, year: Any, data: dict[str, Any]) -> R:
        owner = self.owner_model._default_manager.select_related(*self.owner_related).filter(pk=owner_id).first()
        if owner is None:
            raise NotFound(str(self.owner_not_found))
        require(actor, self.fill, owner.permission_target())  # type: ignore[attr-defined]
        year = bounded_int(year, field="year", minimum=YEAR_MIN, maximum=min(YEAR_MAX, timezone.localdate().year))
        creator = actor if getattr(actor, "is_authenticated", False) else None
        report = self.report_model(**{self.owner_field: owner}, year=year, created_by=creator)
        for name, value in self.clean(data).items():
            setattr(report, name, value)
        self.consistent(report)
        exists = Conflict(str(self.exists) % {"y": year}, code="report_exists", details={"year": year})
        with write_transaction():
            if self.report_model._default_manager.filter(**{self.owner_field: owner}, year=year).exists():
                raise exists
            try:
                report.save()
            except IntegrityError:
                raise exists from None
            changes = diff({}, snapshot(report, self.fields))
            audit_record(actor=actor, action=f"{self.prefix}.created", instance=report, changes=changes)
        return report

    def update(self, *, actor: Any, report_id: int, data: dict[str, Any]) -> R:
        values = self.clean(data)
        related = [f"{self.owner_field}__{r}" for r in self.owner_related]
        with write_transaction():
            report = (
                self.report_model._default_manager.select_for_update(of=("self",))
                .select_related(*related)
                .filter(pk=report_id)
                .first()
            )
            if report is None:
                raise NotFound(_("未找到该年度报告。"))
            require(actor, self.fill, report.permission_target())
            if report.status not in EDITABLE:
                raise Conflict(
                    _("当前状态为“%(s)s”，不能修改。") % {"s": report.get_status_display()},
                    code="invalid_state",
                    details={"status": report.status, "allowed": list(EDITABLE)},
                )
            before = snapshot(report, self.fields)
            for name, value in values.items():
                setattr(report, name, value)
            self.consistent(report)
            report.save()
            changes = diff(before, snapshot(report, self.fields))
            if changes:
                audit_record(actor=actor, action=f"{self.prefix}.updated", instance=report, changes=changes)
        return report

    def run(self, name: str, *, actor: Any, report_id: int, reason: Any = "") -> R:
        """A step of the workflow. return / send_back need a reason; submit freezes the derived
        figures and clears the last return's reason."""
        try:
            t = self.lifecycle.transition(name)
        except LookupError:
            raise NotFound(_("未知的操作。")) from None
        fields: dict[str, Any] = {}
        if t.needs_input:
            fields["status_note"] = clean_text(reason, field="reason", max_length=REASON_MAX, required=True)
        elif name == "submit":
            fields["status_note"] = ""
        else:
            fields["status_note"] = clean_text(reason, field="reason", max_length=REASON_MAX)

        def freeze(report: R, transition: Transition) -> None:
            self.consistent(report)
            for key, value in self.derive(report).items():
                setattr(report, key, value)
            report.derived_at = timezone.now()

        prepare = freeze if name == "submit" else None
        report: R = self.lifecycle.run(name, actor=actor, obj_id=report_id, prepare=prepare, **fields)
        return report
