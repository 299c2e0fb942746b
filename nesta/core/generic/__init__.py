"""Generic service-backed web views (in the spirit of NetBox's views/generic): a page of a domain
app is a few declared lines — which selector reads, which form shapes input, which service
writes — and the steps between (load, permission, form, service, domain errors, redirect, paging,
htmx partials, downloads) are written once, here.

- base: domain errors → responses, the login gate, htmx partials, FAILED_POST_STATUS
- list: ListPage (filters form, cursor paging through the selector, htmx partial of the results)
- detail: DetailPage (the object from a selector; 404 when missing or not visible)
- form: FormPage (create/edit: selector → form → typed data → service; errors onto the form)
- download: file_download (one Content-Disposition for every XLSX/ICS/report download)
- transition: the POST that runs one lifecycle transition (its own module)
"""

from nesta.core.generic.base import (
    FAILED_POST_STATUS,
    domain_errors,
    is_partial,
    login_required_or_redirect,
    render_page_or_partial,
)

__all__ = [
    "FAILED_POST_STATUS",
    "domain_errors",
    "is_partial",
    "login_required_or_redirect",
    "render_page_or_partial",
]
