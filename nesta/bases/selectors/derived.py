"""The figures of a base's year that the platform already holds: derived, never typed.

All from the records of the base's own organisation (the directory entry of the centre or
laboratory — not its host, whose other departments are not the base):
- instrument network: effective (shared-use) hours and external service hours of the instruments
  it owns, as the openness evaluation counts them (finished sessions clipped to the local year);
- technology market: technology contracts it sold, registered in the year, and their amount;
- programmes: the money awarded to its applications decided in the year.

`derived_records()` lists the records behind each figure, so a reviewer can check it.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet, Sum

from nesta.instruments.models import UsageSession
from nesta.instruments.selectors.openness import instruments_openness
from nesta.market.models import TechContract
from nesta.programmes.models import Application, ApplicationStatus

LOCAL = ZoneInfo("Asia/Shanghai")
ZERO = Decimal("0.00")
# Applications that were awarded money (the decision stands whatever happened to the project).
AWARDED = (
    ApplicationStatus.FUNDED,
    ApplicationStatus.IN_PROGRESS,
    ApplicationStatus.ACCEPTANCE,
    ApplicationStatus.CLOSED,
    ApplicationStatus.FAILED,
)


@dataclass(frozen=True)
class DerivedFigures:
    instrument_hours: Decimal
    external_service_hours: Decimal
    contracts: int
    contract_amount: Decimal
    funding_awarded: Decimal

    def as_fields(self) -> dict[str, Any]:
        return {
            "instrument_hours": self.instrument_hours,
            "external_service_hours": self.external_service_hours,
            "contracts": self.contracts,
            "contract_amount": self.contract_amount,
            "funding_awarded": self.funding_awarded,
        }


def _year(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=LOCAL), datetime(year + 1, 1, 1, tzinfo=LOCAL)


def derived_figures(*, organization_id: int, year: int) -> DerivedFigures:
    """Six aggregate queries whatever the number of records (four for the instruments)."""
    start, end = _year(year)
    instruments = instruments_openness(year=year, organization_id=organization_id, qualifying_only=False)
    hours = sum((i.effective_hours for i in instruments), ZERO)
    external = sum((i.external_hours for i in instruments), ZERO)
    contracts = TechContract.objects.filter(
        seller_organization_id=organization_id,
        status=TechContract.Status.REGISTERED,
        registered_at__gte=start,
        registered_at__lt=end,
    ).aggregate(n=Count("id"), amount=Sum("contract_amount"))
    awarded = Application.objects.filter(
        organization_id=organization_id, status__in=AWARDED, decided_at__gte=start, decided_at__lt=end
    ).aggregate(amount=Sum("awarded_amount"))
    return DerivedFigures(
        instrument_hours=hours.quantize(ZERO),
        external_service_hours=external.quantize(ZERO),
        contracts=contracts["n"] or 0,
        contract_amount=(contracts["amount"] or ZERO).quantize(ZERO),
        funding_awarded=(awarded["amount"] or ZERO).quantize(ZERO),
    )


def derived_records(*, organization_id: int, year: int, indicator: str) -> QuerySet[Any]:
    """The records behind one derived figure (what the report page lists under it)."""
    start, end = _year(year)
    if indicator in ("instrument_hours", "external_service_hours"):
        qs = UsageSession.objects.filter(
            instrument__owner_id=organization_id, ended_at__isnull=False, started_at__lt=end, ended_at__gt=start
        ).select_related("instrument", "user")
        if indicator == "external_service_hours":
            qs = qs.filter(is_external=True)
        return qs.order_by("started_at", "id")
    if indicator in ("contracts", "contract_amount"):
        return TechContract.objects.filter(
            seller_organization_id=organization_id,
            status=TechContract.Status.REGISTERED,
            registered_at__gte=start,
            registered_at__lt=end,
        ).order_by("registered_at", "id")
    if indicator == "funding_awarded":
        return (
            Application.objects.filter(
                organization_id=organization_id, status__in=AWARDED, decided_at__gte=start, decided_at__lt=end
            )
            .select_related("call")
            .order_by("decided_at", "id")
        )
    raise LookupError(indicator)
