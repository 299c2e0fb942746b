"""One annual-report machinery for every app whose records report once a year (the bases, the
incubators): filled in by the owner's people, checked by its province, accepted by the office,
returned with reasons; typed figures written by the owner, derived figures computed from the
platform's records and frozen when the report is submitted.

    models.AnnualReport          the abstract model: year, status, note, summary, the stamps
    lifecycle.annual_report_lifecycle(model, prefix=…, subject=…)
                                 draft → submitted → checked → accepted / returned, for a prefix
    services.AnnualReportWrites  create / edit a draft / run a step, with the freeze hook
    views.ReportPages            the create, edit and report pages and the transitions' POST
    templates core/_annual_report_head.html, core/_annual_report_typed.html

An app declares only what differs: its figures, how it derives them, its owner, its permission
prefix, its messages and URLs. Nothing here imports an app; the submodules are imported one by
one (models and services never reach the views)."""
