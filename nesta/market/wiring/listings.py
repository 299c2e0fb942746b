"""What the market's listings part registers with the platform: the expiry job (listings whose
validity has run out become 已过期, hourly) and the background XLSX import."""

from typing import Any

from django.utils.translation import gettext_lazy as _


def register(registry: Any) -> None:
    from nesta.market.services.listing_import import JOB_KIND, run_import_job
    from nesta.market.services.listings import listings_expire

    registry.periodic_job("market.expire", listings_expire, every_seconds=3600)
    registry.job_kind(JOB_KIND, run_import_job, label=_("导入技术市场信息"))
