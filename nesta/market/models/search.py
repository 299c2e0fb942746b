"""core.search's collection statistics (see nesta/core/search/engine.py, "Statistics").

The table belongs to core.search and is named for it; the model sits here only because the
market's search brought it in (core's models are another session's). Rows per doc_type: one per
word with the number of documents holding it, and one with the empty word holding the number of
documents and the sum of their lengths. The engine reads and writes it with plain SQL; the model
exists so that migrations create it and test flushes clear it.
"""

from django.db import models


class SearchStatistic(models.Model):
    doc_type = models.CharField(max_length=30)
    term = models.CharField(max_length=200)
    documents = models.BigIntegerField(default=0)
    length = models.BigIntegerField(default=0)

    class Meta:
        db_table = "core_search_stats"
        constraints = [models.UniqueConstraint(fields=["doc_type", "term"], name="core_search_stats_key")]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.term or '*'}={self.documents}"
