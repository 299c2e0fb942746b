"""High-tech zones and incubators: their rows of the permission matrix (nesta/zones/apps.py).

Read by tests/core/test_permissions.py, which runs the whole matrix; its docstring explains the
scope columns (own_org, same_province, other_province, own_record, anywhere). A zone's records
target the zone organisation (its 管委会) and its province; an incubator's, the incubator
organisation and its province.
"""

from tests.core.world import ROLES

ALL = "YYYYY"
NONE = "....."

_OPERATOR = {"office": ALL, "province": "YY..Y"}
_OWN = {"org_admin": "Y...Y", "member": "Y...Y"}


def _row(**cells: str) -> dict[str, str]:
    return {role: cells.get(role, NONE) for role in ROLES}


ROWS: dict[str, dict[str, str]] = {
    "zone_year.fill": _row(**_OPERATOR, org_admin="Y...Y"),
    "zone_target.manage": _row(office=ALL),
    "policy.manage": _row(**_OPERATOR),
    "policy_topic.manage": _row(office=ALL),
    "area_request.file": _row(org_admin="Y...Y"),
    "area_request.view": _row(**_OPERATOR, **_OWN),
    "area_request.endorse": _row(province="YY..Y"),
    "area_request.decide": _row(office=ALL),
    "incubator.manage": _row(**_OPERATOR),
    "tenant.manage": _row(**_OPERATOR, **_OWN),
    "incubator_report.fill": _row(**_OWN),
    "incubator_report.view": _row(**_OPERATOR, **_OWN),
    "incubator_report.check": _row(**_OPERATOR),
    "incubator_report.accept": _row(office=ALL),
    "incubator_evaluation.manage": _row(office=ALL),
    "incubator_evaluation.view": _row(**_OPERATOR),
    "zone.view": dict.fromkeys(ROLES, ALL),
    "policy.view": dict.fromkeys(ROLES, ALL),
    "incubator.view": dict.fromkeys(ROLES, ALL),
}
