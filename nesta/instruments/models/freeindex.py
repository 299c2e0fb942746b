"""The free-time index (issue 8, "free between" at 50,000 instruments): the distinct opening
shapes of the booking policies — the rule fields the search's prefilter reads (opening days and
hours, notice, advance window, lengths) — with how many policies have each.

The database maintains it (triggers on instruments_bookingpolicy, migration 0010): every write
path — forms, the import, bulk_create, queryset update(), deletes — keeps it exact. The search
asks it first: a window that no shape can hold (a night, a weekend of weekday instruments, a
window beyond every advance limit) is answered without scanning the policies. A table rebuild on
SQLite drops a table's triggers; tests/instruments/test_free_index.py checks they are there after
every migration."""

from django.db import models

SHAPE_FIELDS = (
    "weekdays",
    "open_from",
    "open_until",
    "min_notice_minutes",
    "min_minutes",
    "max_minutes",
    "advance_days",
)


class PolicyShape(models.Model):
    weekdays = models.CharField(max_length=7)
    open_from = models.TimeField()
    open_until = models.TimeField()
    min_notice_minutes = models.PositiveIntegerField()
    min_minutes = models.PositiveIntegerField()
    max_minutes = models.PositiveIntegerField()
    advance_days = models.PositiveSmallIntegerField()
    policies = models.IntegerField(default=0)  # 0: no policy has it any more (kept, costs nothing)

    class Meta:
        constraints = [models.UniqueConstraint(fields=list(SHAPE_FIELDS), name="policyshape_unique")]

    def __str__(self) -> str:
        return f"{self.weekdays} {self.open_from}–{self.open_until} ×{self.policies}"
