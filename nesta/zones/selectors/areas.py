"""Reads of the area-adjustment requests (调整和扩大建区面积): the restricted list, one request with
its history (the audit rows of its steps), what a user may do with it now, and what a zone's page
shows (its requests, the latest approved area). Requests are not public: the zone's own people,
its province and the office see them (`area_request.view`)."""

from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from nesta.core.errors import NotFound
from nesta.core.lifecycle import Transition
from nesta.core.models import AuditLog
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import can, restrict
from nesta.directory.models import Organization, OrganizationKind
from nesta.zones.lifecycles.areas import AREA_REQUEST
from nesta.zones.models import AreaRequest, AreaRequestStatus, ZoneYear
from nesta.zones.models.zones import zone_target

PROVINCE_FIELD = "zone__province__code"
ORGANIZATION_FIELD = "zone_id"
OBJECT_TYPE = "zones.arearequest"
HISTORY_MAX = 200  # steps shown on a request's page (a request has a handful; bounded all the same)


def _queryset() -> QuerySet[AreaRequest]:
    return AreaRequest.objects.select_related("zone__province", "created_by")


def requests_visible(viewer: Any) -> QuerySet[AreaRequest]:
    """The requests `viewer` may read (anonymous: none)."""
    return restrict(
        viewer, "area_request.view", _queryset(), province_field=PROVINCE_FIELD, organization_field=ORGANIZATION_FIELD
    )


def area_request_page(
    *,
    viewer: Any,
    zone_id: int | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[AreaRequest]:
    """The requests the viewer may read, newest first, with the total (three queries at most)."""
    qs = requests_visible(viewer)
    if zone_id:
        qs = qs.filter(zone_id=zone_id)
    if status:
        qs = qs.filter(status=status)
    return keyset_page(qs, cursor=cursor, limit=limit, newest_first=True, with_total=True)


def area_request_counts(*, viewer: Any, zone_id: int | None = None) -> list[tuple[str, Any, int]]:
    """(status, label, count) of the requests the viewer may read, in the workflow's order (one
    GROUP BY query): what awaits the province (submitted) and the office (endorsed) at a glance."""
    qs = requests_visible(viewer)
    if zone_id:
        qs = qs.filter(zone_id=zone_id)
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return [(value, label, counts[value]) for value, label in AreaRequestStatus.choices if counts.get(value)]


def area_request_get(*, viewer: Any, request_id: int) -> AreaRequest:
    found = requests_visible(viewer).filter(pk=request_id).first()
    if found is None:
        raise NotFound(_("未找到该调整扩区申请。"))
    return found


def area_request_actions(viewer: Any, request: AreaRequest) -> list[Transition]:
    return AREA_REQUEST.available(viewer, request)


def area_request_history(request: AreaRequest) -> list[AuditLog]:
    """Each step of the request, oldest first: who, when, which event and what changed (its audit
    rows; the caller has already read the request, so whoever sees it sees its history)."""
    rows = (
        AuditLog.objects.filter(object_type=OBJECT_TYPE, object_id=str(request.pk))
        .select_related("actor")
        .order_by("created_at", "id")
    )
    return list(rows[:HISTORY_MAX])


def area_requests_for_zone(zone_id: int, user: Any) -> list[AreaRequest]:
    """A zone's requests that `user` may read, newest first (for the zone's page; anonymous: none)."""
    return list(requests_visible(user).filter(zone_id=zone_id)[:100])


def latest_approved(zone_id: int, user: Any) -> AreaRequest | None:
    """The zone's most recently approved request the user may read (its approved area), or None."""
    return (
        requests_visible(user)
        .filter(zone_id=zone_id, status=AreaRequestStatus.APPROVED)
        .order_by("-decided_at", "-id")
        .first()
    )


# --- what the services and the forms need -------------------------------------------------------


def zone_get(zone_id: int) -> Organization:
    """A high-tech zone (the directory's organisation of that kind) with its province."""
    zone = (
        Organization.objects.select_related("province").filter(pk=zone_id, kind=OrganizationKind.HIGH_TECH_ZONE).first()
    )
    if zone is None:
        raise NotFound(_("未找到该高新区。"))
    return zone


def zone_planned_area(zone_id: int) -> Decimal | None:
    """The zone's planned area (km²) in its latest annual figures that give one, or None."""
    return (
        ZoneYear.objects.filter(zone_id=zone_id, planned_area__gt=0)
        .order_by("-year")
        .values_list("planned_area", flat=True)
        .first()
    )


def zone_choices(viewer: Any) -> list[tuple[int, str]]:
    """The zones whose requests the viewer may read (the list page's filter): all of them for the
    office, the province's for a province, the viewer's own zone for its people."""
    qs = Organization.objects.filter(kind=OrganizationKind.HIGH_TECH_ZONE).order_by("id")
    qs = restrict(viewer, "area_request.view", qs, province_field="province__code", organization_field="id")
    return [(z.pk, z.name) for z in qs.only("id", "name")]


def may_file(viewer: Any, zone: Organization) -> bool:
    return can(viewer, "area_request.file", zone_target(zone))


def zones_to_file_for(viewer: Any) -> list[Organization]:
    """The zones for which the viewer may file a request (its management committee's zone)."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    qs = Organization.objects.filter(kind=OrganizationKind.HIGH_TECH_ZONE).order_by("id")
    return list(restrict(viewer, "area_request.file", qs, province_field="province__code", organization_field="id"))


def zone_area_panel(zone: Organization, user: Any) -> dict[str, Any]:
    """What a zone's page shows of its area requests (template zones/areas/_zone_panel.html): the
    requests the user may read, the latest approved one, and whether the user may file one."""
    requests = area_requests_for_zone(zone.pk, user)
    approved = [r for r in requests if r.status == AreaRequestStatus.APPROVED]
    return {
        "area_requests": requests[:5],
        "area_requests_total": len(requests),
        "area_approved": max(approved, key=lambda r: (r.decided_at is not None, r.decided_at, r.pk), default=None),
        "area_may_file": may_file(user, zone),
    }
