"""The instrument network's background jobs (kinds of core.BackgroundJob, registered in apps.py):
an XLSX import of instruments and a large XLSX export, each run on the worker with its result
(or the row errors as a workbook) on the job page /jobs/<id>/.

    job = job_enqueue(actor=user, kind="instruments.import", input_bytes=content)
    job = job_enqueue(actor=user, kind="instruments.export", params={"province": "210000"})
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.errors import ValidationFailed
from nesta.instruments.selectors.registry import InstrumentFilters, instruments_for_export
from nesta.instruments.services import xlsx

IMPORT_KIND = "instruments.import"
EXPORT_KIND = "instruments.export"
MAX_EXPORT_ROWS = 50_000  # a job may export more than a request (10,000)
EXPORT_FILTERS = ("q", "province", "city", "category", "owner_kind", "open_only", "status", "owner")


def run_import_job(job: Any) -> dict[str, Any]:
    """All or nothing, as the synchronous import: with row errors nothing is saved, the job
    fails with them and their workbook is the job's download."""
    dry_run = bool(job.params.get("dry_run"))
    job.progress(0, message=_("正在校验并导入……"))
    try:
        report = xlsx.instruments_import_xlsx(actor=job.owner, content=job.read_input(), dry_run=dry_run)
    except ValidationFailed as exc:
        rows = (exc.details or {}).get("rows") or []
        if rows:
            job.save_file("导入错误.xlsx", xlsx.import_errors_xlsx(rows))
        raise
    if report.errors:  # a dry run that found errors
        job.save_file("导入错误.xlsx", xlsx.import_errors_xlsx(report.errors))
    job.progress(report.rows, report.rows)
    return {
        "summary": _("共 %(rows)d 行，新建 %(n)d 台仪器。") % {"rows": report.rows, "n": len(report.created)},
        "rows": report.rows,
        "created": [i.pk for i in report.created],
        "errors": [e.as_dict() for e in report.errors],
        "dry_run": dry_run,
    }


def run_export_job(job: Any) -> dict[str, Any]:
    """The instrument list the filters select (the public list's filters), as the import's sheet."""
    filters = InstrumentFilters(**{k: v for k, v in job.params.items() if k in EXPORT_FILTERS})
    rows = instruments_for_export(filters=filters, max_rows=MAX_EXPORT_ROWS)
    job.progress(len(rows), len(rows))
    stamp = timezone.localtime().strftime("%Y%m%d")
    job.save_file(f"仪器清单-{stamp}.xlsx", xlsx.instruments_export_xlsx(rows))
    return {"summary": _("已导出 %(n)d 台仪器。") % {"n": len(rows)}, "rows": len(rows)}
