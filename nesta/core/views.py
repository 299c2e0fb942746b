"""Core's own page (the audit log); domain errors become web responses in nesta.core.generic.
The home page and the areas still being built are the portal's (nesta/portal)."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

# The helpers every web view shares live in nesta.core.generic (imported here for core's page).
from nesta.core.generic import domain_errors, render_page_or_partial
from nesta.core.selectors import audit_list

# --- audit log -----------------------------------------------------------------------------

AUDIT_OBJECT_TYPES = [
    ("", _("全部")),
    ("directory.organization", _("机构")),
    ("directory.person", _("人员")),
    ("accounts.user", _("用户")),
    ("accounts.roleassignment", _("角色授权")),
]


@domain_errors
def audit_log(request: HttpRequest) -> HttpResponse:
    object_type = request.GET.get("object_type", "")
    if object_type not in {value for value, _label in AUDIT_OBJECT_TYPES}:
        object_type = ""
    page = audit_list(user=request.user, object_type=object_type, cursor=request.GET.get("cursor") or None, limit=50)
    context = {"page": page, "object_types": AUDIT_OBJECT_TYPES, "object_type": object_type}
    return render_page_or_partial(request, "core/audit_log.html", "core/_audit_rows.html", context)
