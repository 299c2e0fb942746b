"""A base's annual report: the annual report's workflow (core.annual_report.lifecycle) for the
`base_report` permissions — the host organisation's people fill in and submit, the base's province
checks (or returns with reasons), the office accepts (or sends back with reasons)."""

from django.utils.translation import gettext_lazy as _

from nesta.bases.models import BaseReport
from nesta.core.annual_report.lifecycle import annual_report_lifecycle

REPORT = annual_report_lifecycle(
    BaseReport,
    prefix="base_report",
    subject=lambda report: report.base.organization.name,
    related=("base__host__province", "base__organization", "created_by"),
    events={"base_report.created": _("新建年度报告"), "base_report.updated": _("修改年度报告")},
)
