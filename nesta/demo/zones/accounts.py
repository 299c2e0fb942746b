"""Each reference zone's management committee (管委会) account: zone01 … zone07, the zone
organisation's 机构管理员 (they fill in the zone's figures and file its area requests)."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password

from nesta.demo.generator import demo_password

# the reference zones in the order of nesta/directory/reference.py
ZONE_KEYS = (
    "zone-shenyang",
    "zone-dalian",
    "zone-anshan",
    "zone-changchun",
    "zone-jilin",
    "zone-harbin",
    "zone-daqing",
)


@dataclass
class ZonesContext:
    seed: int
    office: Any  # the office user (targets, decisions, evaluation runs)
    zones: list[Any] = field(default_factory=list)  # Organization, in ZONE_KEYS order
    committee: dict[int, Any] = field(default_factory=dict)  # zone id → its zoneNN account
    provinces: dict[str, Any] = field(default_factory=dict)  # province code → the province's account


def zone_username(index: int) -> str:
    return f"zone{index + 1:02d}"


def load(seed: int, say: Any) -> ZonesContext:
    from nesta.accounts.models import RoleAssignment, User
    from nesta.directory.models import Organization

    office = User.objects.filter(username="office").first()
    by_key = {
        o.reference_key: o for o in Organization.objects.filter(reference_key__in=ZONE_KEYS).select_related("province")
    }
    ctx = ZonesContext(seed=seed, office=office, zones=[by_key[k] for k in ZONE_KEYS if k in by_key])
    provinces = {"210000": "liaoning", "220000": "jilin", "230000": "heilongjiang"}
    for code, username in provinces.items():
        if user := User.objects.filter(username=username).first():
            ctx.provinces[code] = user
    created = 0
    for i, key in enumerate(ZONE_KEYS):
        zone = by_key.get(key)
        if zone is None:
            continue
        user = User.objects.filter(username=zone_username(i)).first()
        if user is None:
            user = User.objects.create(
                username=zone_username(i),
                password=make_password(demo_password()),
                display_name=f"{zone.short_name or zone.name[:4]}管委会",
                email=f"{zone_username(i)}@zones.example.cn",
                organization=zone,
            )
            created += 1
        if not RoleAssignment.objects.filter(user=user, role="org_admin", organization=zone).exists():
            RoleAssignment.objects.create(user=user, role="org_admin", organization=zone)
        ctx.committee[zone.pk] = user
    if created:
        say(f"zones: {created} management-committee accounts (zone01 … zone{len(ctx.zones):02d})")
    return ctx
