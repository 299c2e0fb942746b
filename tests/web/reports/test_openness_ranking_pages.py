"""The openness ranking page: server-side pages of 50, sorting by the whitelisted columns (score,
hours, external hours, external income, name), names on one line, the XLSX still every row."""

from decimal import Decimal

import pytest

from nesta.instruments.selectors import openness
from tests.factories import InstrumentFactory, OrganizationFactory
from tests.web.reports.conftest import RANKING, RANKING_XLSX, YEAR, at, use, xlsx_of

D = Decimal


def names(response):
    return [o.organization_name for o in response.context["page"].items]


def test_default_order_is_the_score_and_the_rank_shown(client, world):
    r = client.get(RANKING, {"year": YEAR})
    assert r.status_code == 200
    assert names(r) == [world["ln"].name, world["jl"].name, "E 大连研究所"]
    assert r.context["sort"] == "score" and r.context["descending"] is True
    html = r.content.decode()
    assert 'aria-sort="descending"' in html and 'data-testid="sort-score"' in html


@pytest.mark.parametrize(
    "sort,direction,expected",
    [
        ("hours", None, ["ln", "jl", "e"]),  # 1,000 h, 800 h, 0 h
        ("hours", "asc", ["e", "jl", "ln"]),
        ("external", None, ["jl", "ln", "e"]),  # 800 h, 300 h, 0 h
        ("income", None, ["ln", "jl", "e"]),  # 25,000 元 external, then the two without (by rank)
        ("score", "asc", ["e", "jl", "ln"]),
        ("name", None, ["e", "jl", "ln"]),
    ],
)
def test_sorted_by_a_column(client, world, sort, direction, expected):
    world_names = {"ln": world["ln"].name, "jl": world["jl"].name, "e": "E 大连研究所"}
    params = {"year": YEAR, "sort": sort}
    if direction:
        params["dir"] = direction
    r = client.get(RANKING, params)
    assert r.status_code == 200
    if sort == "name":
        expected = sorted(world_names, key=lambda k: world_names[k])
    assert names(r) == [world_names[k] for k in expected]
    # the rank is the score's whatever the order
    ranks = {o.organization_name: o.rank for o in r.context["page"].items}
    assert ranks[world["ln"].name] == 1 and ranks["E 大连研究所"] == 3


@pytest.mark.parametrize("sort", ["rank; drop table", "organization_id", "__class__", "", "x" * 500])
def test_unknown_sort_falls_back_to_the_score(client, world, sort):
    r = client.get(RANKING, {"year": YEAR, "sort": sort, "dir": "sideways"})
    assert r.status_code == 200
    assert r.context["sort"] == "score"
    assert names(r)[0] == world["ln"].name


def test_the_active_header_flips_the_direction(client, world):
    html = client.get(RANKING, {"year": YEAR, "sort": "hours"}).content.decode()
    head = html[html.index('data-testid="sort-hours"') - 200 : html.index('data-testid="sort-hours"') + 300]
    assert "dir=asc" in head and "sort=hours" in head
    other = html[html.index('data-testid="sort-name"') : html.index('data-testid="sort-name"') + 300]
    assert "dir=asc" in other  # names run A→Z first


def test_paged_by_the_page_size(client, world, monkeypatch):
    monkeypatch.setattr(openness, "RANKING_PAGE_SIZE", 2)
    first = client.get(RANKING, {"year": YEAR})
    assert names(first) == [world["ln"].name, world["jl"].name]
    cursor = first.context["page"].next_cursor
    assert cursor and 'rel="next"' in first.content.decode()
    second = client.get(RANKING, {"year": YEAR, "cursor": cursor})
    assert names(second) == ["E 大连研究所"]
    assert second.context["page"].next_cursor is None
    assert second.context["first_position"] == 3
    assert "第一页" in second.content.decode()


def test_a_bad_cursor_is_400_not_500(client, world):
    assert client.get(RANKING, {"year": YEAR, "cursor": "!!!"}).status_code == 400


def test_fifty_a_page_and_the_xlsx_keeps_every_row(client, reference):
    for i in range(53):
        org = OrganizationFactory(name=f"排名单位{i:02d}", province_code="230000", city_code="230100")
        inst = InstrumentFactory(owner=org, name=f"排名仪器{i}", original_value=900_000)
        if i % 2:
            use(inst, inst.managers.first() or _someone(org), at(YEAR, 4, 1), hours=i, external=False)
    r = client.get(RANKING, {"year": YEAR})
    assert len(r.context["page"].items) == 50 and r.context["page"].total == 53
    html = r.content.decode()
    assert html.count('data-testid="ranking-row"') == 50
    assert "nesta-rank-name" in html  # the name column's class: one line (instruments.css)
    nxt = client.get(RANKING, {"year": YEAR, "cursor": r.context["page"].next_cursor})
    assert len(nxt.context["page"].items) == 3
    book = xlsx_of(client.get(RANKING_XLSX, {"year": YEAR}))
    sheet = book.worksheets[0]
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert sum(1 for v in cells if isinstance(v, str) and v.startswith("排名单位")) == 53


def _someone(org):
    from tests.factories import UserFactory

    return UserFactory(organization=org)
