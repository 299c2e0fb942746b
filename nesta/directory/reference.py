"""The seven national high-tech zones of the region (facts of record; the seed counts them in 三.3)."""

from django.db import transaction

from nesta.core import search
from nesta.core.models import Region
from nesta.directory.models import Organization, OrganizationKind

# (key, name, English name, city code, year approved by the State Council, address)
HIGH_TECH_ZONES = [
    (
        "zone-shenyang",
        "沈阳高新技术产业开发区",
        "Shenyang National Hi-tech Industrial Development Zone",
        "210100",
        1991,
        "辽宁省沈阳市浑南区",
    ),
    (
        "zone-dalian",
        "大连高新技术产业园区",
        "Dalian National Hi-tech Industrial Zone",
        "210200",
        1991,
        "辽宁省大连市甘井子区",
    ),
    (
        "zone-anshan",
        "鞍山高新技术产业开发区",
        "Anshan National Hi-tech Industrial Development Zone",
        "210300",
        1992,
        "辽宁省鞍山市铁东区",
    ),
    (
        "zone-changchun",
        "长春高新技术产业开发区",
        "Changchun National Hi-tech Industrial Development Zone",
        "220100",
        1991,
        "吉林省长春市朝阳区",
    ),
    (
        "zone-jilin",
        "吉林高新技术产业开发区",
        "Jilin National Hi-tech Industrial Development Zone",
        "220200",
        1992,
        "吉林省吉林市丰满区",
    ),
    (
        "zone-harbin",
        "哈尔滨高新技术产业开发区",
        "Harbin National Hi-tech Industrial Development Zone",
        "230100",
        1991,
        "黑龙江省哈尔滨市南岗区",
    ),
    (
        "zone-daqing",
        "大庆高新技术产业开发区",
        "Daqing National Hi-tech Industrial Development Zone",
        "230600",
        1992,
        "黑龙江省大庆市让胡路区",
    ),
]


@transaction.atomic
def load_directory_reference() -> None:
    from nesta.directory.services import organization_search_document

    zones = []
    for key, name, name_en, city_code, year, address in HIGH_TECH_ZONES:
        city = Region.objects.get(code=city_code)
        zone, _ = Organization.objects.update_or_create(
            reference_key=key,
            defaults={
                "name": name,
                "name_en": name_en,
                "kind": OrganizationKind.HIGH_TECH_ZONE,
                "province": city.parent,
                "city": city,
                "established_year": year,
                "address": address,
                "description": f"{year}年经国务院批准设立的国家级高新技术产业开发区，"
                "东北地区重要的高新技术研发、孵化和产业化平台。",
            },
        )
        zones.append(zone)
    search.engine.index_many([organization_search_document(z) for z in zones])
