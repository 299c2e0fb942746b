"""An incubator's annual report: the annual report's workflow (core.annual_report.lifecycle) for
the `incubator_report` permissions — the incubator's own people fill in and submit, its province
checks (or returns with reasons), the office accepts (or sends back with reasons)."""

from django.utils.translation import gettext_lazy as _

from nesta.core.annual_report.lifecycle import annual_report_lifecycle
from nesta.zones.models import IncubatorReport

INCUBATOR_REPORT = annual_report_lifecycle(
    IncubatorReport,
    prefix="incubator_report",
    subject=lambda report: report.incubator.organization.name,
    related=("incubator__organization__province", "created_by"),
    events={"incubator_report.created": _("新建孵化器年度报告"), "incubator_report.updated": _("修改孵化器年度报告")},
)
