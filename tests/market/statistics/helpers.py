"""Registered contracts written straight to the table, for the statistics' tests."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from nesta.market.models import RegistrationPoint, TechContract

_serial = itertools.count(1)


def registered_contract(point: RegistrationPoint, *, when: dt.datetime | None = None, **fields) -> TechContract:
    """A registered contract at `point` (a 沈阳 technology market unless told), seller in 沈阳 and
    buyer in 大连 unless told; amounts in yuan."""
    when = when or timezone.now()
    n = next(_serial)
    values = dict(
        point=point,
        status=TechContract.Status.REGISTERED,
        number=f"{when.year % 100:02d}{point.number_prefix}{n:06d}",
        serial=n,
        name=f"技术合同{n}",
        contract_type="dev_commissioned",
        seller_name="沈阳某研究所",
        seller_nature="21",
        seller_region="210102",
        seller_country="156",
        buyer_name="大连某企业",
        buyer_nature="41",
        buyer_region="210200",
        buyer_country="156",
        signed_on=when.date(),
        valid_from=when.date(),
        valid_until=when.date() + dt.timedelta(days=365),
        tech_field="02",
        ip_type="invention_patent",
        objective="10",
        plan_source="enterprise",
        contract_amount=Decimal("100000.00"),
        technology_amount=Decimal("80000.00"),
        registered_at=when,
        submitted_at=when,
    )
    values.update(fields)
    for key in ("contract_amount", "technology_amount"):
        values[key] = Decimal(str(values[key]))
    return TechContract.objects.create(**values)


def local(year: int, month: int, day: int = 15, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))
