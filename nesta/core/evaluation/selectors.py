"""What every app's evaluation reads share: one subject's results over the years."""

from typing import Any

from django.db.models import QuerySet


def latest_of_each_scheme(results: QuerySet[Any]) -> list[Any]:
    """A subject's results (a queryset of an app's results, restricted as the viewer may see them)
    reduced to the latest run of each scheme, oldest year first — the subject's trend."""
    latest: dict[int, Any] = {}
    for r in results.select_related("run__scheme").order_by("run__ran_at", "run_id"):
        latest[r.run.scheme_id] = r
    return sorted(latest.values(), key=lambda r: (r.run.scheme.year, r.run_id))
