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
from nesta.core.permissions import require
from nesta.core.tasks import job_enqueue
from nesta.instruments.selectors.registry import InstrumentFilters, instruments_for_export
from nesta.instruments.services import xlsx

IMPORT_KIND = "instruments.import"
EXPORT_KIND = "instruments.export"
MAX_EXPORT_ROWS = 50_000  # a job may export more than a request (10,000)
EXPORT_FILTERS = ("q", "province", "city", "category", "owner_kind", "open_only", "status", "owner")


def instruments_import_enqueue(*, actor: Any, content: bytes, dry_run: bool = False) -> Any:
    """Queue an XLSX import as a job of `actor` (refused before any job exists if they may not
    register instruments); the job page /jobs/<id>/ follows it."""
    require(actor, "instrument.create")
    return job_enqueue(actor=actor, kind=IMPORT_KIND, params={"dry_run": dry_run}, input_bytes=content)


def run_import_job(job: Any) -> dict[str, Any]:
    """All or nothing, as the synchronous import, in its two steps: every row is validated
    (progress: rows done / total, no write lock held), then the plan is written in one short
    transaction. With row errors nothing is saved, the job fails with them and their workbook
    is the job's download."""
    dry_run = bool(job.params.get("dry_run"))
    job.progress(0, message=_("正在读取并校验表格……"))
    try:
        plan = xlsx.instruments_import_validate(
            actor=job.owner, content=job.read_input(), progress=lambda done, total: job.progress(done, total)
        )
        if plan.errors and not dry_run:
            raise xlsx.import_failed(plan.errors)
        created = []
        if not dry_run:
            job.progress(plan.rows, plan.rows, message=_("校验通过，正在写入……"))
            created = xlsx.instruments_import_apply(actor=job.owner, plan=plan)
    except ValidationFailed as exc:
        rows = (exc.details or {}).get("rows") or []
        if rows:
            job.save_file("导入错误.xlsx", xlsx.import_errors_xlsx(rows))
        raise
    if plan.errors:  # a dry run that found errors
        job.save_file("导入错误.xlsx", xlsx.import_errors_xlsx(plan.errors))
    job.progress(plan.rows, plan.rows, message=_("导入完成。") if not dry_run else _("校验完成（未保存）。"))
    return {
        "summary": _("共 %(rows)d 行，新建 %(n)d 台仪器。") % {"rows": plan.rows, "n": len(created)},
        "rows": plan.rows,
        "created": [i.pk for i in created],
        "errors": [e.as_dict() for e in plan.errors],
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
