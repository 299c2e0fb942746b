"""The bases' web pages under /bases/, by concern: the register and a base, the annual reports, the
evaluation."""

from nesta.bases.views.bases import BaseDetail, BaseList, LayoutPage
from nesta.bases.views.evaluation import RunPage, SchemeList, scheme_run
from nesta.bases.views.reports import ReportCreate, ReportEdit, ReportPage, report_transition

__all__ = [
    "BaseDetail",
    "BaseList",
    "LayoutPage",
    "ReportCreate",
    "ReportEdit",
    "ReportPage",
    "RunPage",
    "SchemeList",
    "report_transition",
    "scheme_run",
]
