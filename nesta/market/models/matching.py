"""The matcher's own inverted index (nesta/market/matching/index.py writes and reads it).

Integer postings instead of the platform's text index: a listing used as a query is a long OR of
dozens of words, and the matcher needs per-kind document frequencies and each word's best
postings first, which FTS5 / tsvector cannot give cheaply. Written in the listing's transaction
(signals), so a rolled-back write leaves nothing. No foreign keys: like the search documents,
rows are keyed by plain ids and the engine re-reads every candidate's listing row.
"""

from django.db import models


class MatchTerm(models.Model):
    """A word (or a thesaurus concept token ``zc12``) of the matcher's documents; ids are stable."""

    term = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "matcher term"

    def __str__(self) -> str:
        return self.term


class MatchTermStat(models.Model):
    """Document frequency of a term among the on-market documents of one kind (kept on write)."""

    pk = models.CompositePrimaryKey("term_id", "kind")
    term_id = models.IntegerField()
    kind = models.SmallIntegerField()  # matching.index.KIND_CODES
    df = models.IntegerField(default=0)
    # the largest impact of the term's postings of this kind (raised by inserts, never lowered by
    # deletes, so always an upper bound; exact after a rebuild): the pruned top-k's term bound
    max_impact = models.SmallIntegerField(default=1000)

    class Meta:
        verbose_name = "matcher term frequency"

    def __str__(self) -> str:
        return f"{self.term_id}/{self.kind}: {self.df}"


class MatchKindStat(models.Model):
    """Document count and summed length of the on-market documents of one kind (kept on write)."""

    kind = models.CharField(max_length=20, primary_key=True)
    docs = models.IntegerField(default=0)
    length = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "matcher kind statistics"

    def __str__(self) -> str:
        return f"{self.kind}: {self.docs}"


class MatchDocument(models.Model):
    """An on-market listing's tokens (space-joined, in order) for the exact re-scoring."""

    listing_id = models.IntegerField(primary_key=True)
    kind = models.CharField(max_length=20)
    length = models.IntegerField()
    tokens = models.TextField()

    class Meta:
        verbose_name = "matcher document"

    def __str__(self) -> str:
        return f"listing {self.listing_id}"


class MatchPosting(models.Model):
    """One (term, listing) of the index. The primary key is the drawing order: a term's postings
    of one kind, best BM25 impact first (read backwards), so a bounded read takes the best."""

    pk = models.CompositePrimaryKey("term_id", "kind", "impact", "listing_id")
    term_id = models.IntegerField()
    kind = models.SmallIntegerField()  # matching.index.KIND_CODES
    impact = models.SmallIntegerField()
    listing_id = models.IntegerField()

    class Meta:
        verbose_name = "matcher posting"

    def __str__(self) -> str:
        return f"{self.term_id}/{self.kind} → {self.listing_id}"


class MatchBlock(models.Model):
    """A packed block of one (term, kind)'s postings, for the pruned top k's whole-list reads
    (nesta/market/matching/blocks.py): the listing ids (int32) and impacts (uint16, little-endian)
    of the postings whose (impact, listing) lies above the previous block's key and at or under
    this one's (`hi_impact`, `hi_listing`; the last block's key is the largest possible). Kept by
    the same writes as the postings; ~6 bytes a posting instead of a B-tree row each."""

    pk = models.CompositePrimaryKey("term_id", "kind", "hi_impact", "hi_listing")
    term_id = models.IntegerField()
    kind = models.SmallIntegerField()  # matching.index.KIND_CODES
    hi_impact = models.SmallIntegerField()
    hi_listing = models.IntegerField()
    n = models.IntegerField()
    top = models.SmallIntegerField()  # the largest impact the block holds (0 when empty)
    ids = models.BinaryField()
    impacts = models.BinaryField()

    class Meta:
        verbose_name = "matcher posting block"

    def __str__(self) -> str:
        return f"{self.term_id}/{self.kind} ≤ ({self.hi_impact}, {self.hi_listing}): {self.n}"
