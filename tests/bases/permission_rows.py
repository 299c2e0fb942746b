"""Innovation bases: their rows of the permission matrix (nesta/bases/apps.py).

Read by tests/core/test_permissions.py, which runs the whole matrix; its docstring explains the
scope columns (own_org, same_province, other_province, own_record, anywhere). A base's target is
its host organisation and that organisation's province.
"""

from tests.core.world import ROLES

ALL = "YYYYY"
NONE = "....."

_OPERATOR = {"office": ALL, "province": "YY..Y"}
_HOST = {"org_admin": "Y...Y", "member": "Y...Y"}


def _row(**cells: str) -> dict[str, str]:
    return {role: cells.get(role, NONE) for role in ROLES}


ROWS: dict[str, dict[str, str]] = {
    "base.manage": _row(**_OPERATOR),
    "base_report.fill": _row(**_HOST),
    "base_report.view": _row(**_OPERATOR, **_HOST),
    "base_report.check": _row(**_OPERATOR),
    "base_report.accept": _row(office=ALL),
    "evaluation.manage": _row(office=ALL),
    "evaluation.view": _row(**_OPERATOR),
    "base.view": dict.fromkeys(ROLES, ALL),
}
