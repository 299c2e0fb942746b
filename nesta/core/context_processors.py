"""What every page's layout needs: the platform's name and the signed-in user's roles (read lazily,
once, only when the layout shows them). The main navigation is the portal's context processor."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _


def role_labels(user) -> list[str]:
    """'省科技厅（辽宁省）', '机构管理员（某研究院）', … for the header."""
    if not getattr(user, "is_authenticated", False):
        return []
    from nesta.core.templatetags.nesta import loc

    labels = []
    for ra in user.role_assignments.select_related("province", "organization").order_by("id"):
        scope = ra.province or ra.organization
        label = str(ra.get_role_display())
        labels.append(f"{label}（{loc(scope)}）" if scope else label)
    if user.is_superuser and not labels:
        labels.append(str(_("系统管理员")))
    return labels


def platform(request):
    user = getattr(request, "user", None)
    return {
        "PLATFORM_NAME": _("东北振兴科技行动平台"),
        "PLATFORM_NAME_SETTING": getattr(settings, "PLATFORM_NAME", ""),
        "user_roles": SimpleLazyObject(lambda: role_labels(user)),
    }
