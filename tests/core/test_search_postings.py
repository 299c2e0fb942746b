"""PostgreSQL's packed posting lists (core.search.postings): they follow every write path of the
search engine — index, re-index, unindex, ORM deletes, ids written out of order."""

import os

import pytest
from django.db import connection

from nesta.core import search
from nesta.core.models import SearchDocument
from nesta.core.search import engine

NOTE = "note"  # a doc_type of its own, so the reference data's documents never interfere

needs_postgres = pytest.mark.skipif(os.environ.get("DATABASE_URL", "").find("postgres") < 0, reason="PostgreSQL only")


def _posting_lists(doc_type):
    from nesta.core.search import postings

    with connection.cursor() as cur:
        cur.execute(f"SELECT term, ids FROM {postings.TABLE} WHERE doc_type = %s", [doc_type])
        lists: dict[str, list[int]] = {}
        for term, blob in cur.fetchall():
            lists.setdefault(term, []).extend(postings._ids(blob).tolist())
    return {t: sorted(ids) for t, ids in lists.items() if ids}


def _exhaustive_lists(doc_type):
    lists: dict[str, list[int]] = {}
    for d in SearchDocument.objects.filter(doc_type=doc_type).order_by("id"):
        for t in {*d.tokens.split(), ""}:
            lists.setdefault(t, []).append(d.pk)
    return lists


@needs_postgres
def test_posting_lists_follow_index_unindex_and_orm_deletes(db, monkeypatch):
    from nesta.core.search import postings

    monkeypatch.setattr(postings, "BLOCK", 3)  # several blocks a word
    texts = ["稀土永磁材料", "永磁电机", "风电塔架焊接", "焊接机器人", "永磁 同步电机", "激光焊接"]
    for i, text in enumerate(texts * 2, 1):
        search.index(NOTE, i, text=text)
    assert _posting_lists(NOTE) == _exhaustive_lists(NOTE)
    search.index(NOTE, 2, text="焊接机器人")  # re-indexed: a new id, the old one leaves every list
    search.unindex(NOTE, 3)
    SearchDocument.objects.filter(doc_type=NOTE, object_id__in=[1, 7]).delete()  # past the engine
    search.index_many([engine.build_document(NOTE, 20 + i, text=t) for i, t in enumerate(texts)])
    assert _posting_lists(NOTE) == _exhaustive_lists(NOTE)
    for q in (["永磁"], ["焊接", "机器人"], ["永磁", "电机"], ["没有"], []):
        expected = [
            d.pk
            for d in SearchDocument.objects.filter(doc_type=NOTE).order_by("id")
            if all(t in d.tokens.split() for t in q)
        ]
        assert postings.match(NOTE, q).tolist() == expected, q
    before = _posting_lists(NOTE)
    postings.rebuild(NOTE)
    assert _posting_lists(NOTE) == before


@needs_postgres
def test_posting_ids_written_out_of_order_are_found_and_removed(db, monkeypatch):
    # A writer committing after a later id's writer appends lower ids to the last block.
    from nesta.core.search import postings

    monkeypatch.setattr(postings, "BLOCK", 3)
    postings.add([(NOTE, pk, "焊接") for pk in (10, 11, 12, 13)])  # blocks [10 11 12] [13]
    postings.add([(NOTE, 5, "焊接 永磁")])  # lands in [13 5]
    assert postings.match(NOTE, ["焊接"]).tolist() == [5, 10, 11, 12, 13]
    assert postings.match(NOTE, ["焊接", "永磁"]).tolist() == [5]
    postings.remove(NOTE, [(13, "焊接"), (5, "焊接 永磁")])  # 13 sits past the block its id points to
    assert postings.match(NOTE, ["焊接"]).tolist() == [10, 11, 12]
    assert postings.match(NOTE, ["永磁"]).tolist() == []
