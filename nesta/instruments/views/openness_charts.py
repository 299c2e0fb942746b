"""The openness ranking page's charts (core.charts): the mean scores by province and the most used
instruments, both read from the ranking the page already computed (no query of their own)."""

import heapq
from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from nesta.core.charts import Chart, Series
from nesta.instruments.selectors.openness import OrganizationOpenness

TOP_INSTRUMENTS = 10


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values) if values else Decimal(0)


def province_chart(ranking: list[OrganizationOpenness], year: int) -> Chart:
    """Each province's mean of its organisations' three scores, stacked to their mean total."""
    by_province: dict[str, list[OrganizationOpenness]] = defaultdict(list)
    for org in ranking:
        by_province[org.province_name or _("未填省份")].append(org)
    names = sorted(by_province, key=lambda p: -_mean([o.scores.total for o in by_province[p]]))
    orgs = [by_province[p] for p in names]
    return Chart(
        id="by_province",
        kind="stacked_bar",
        title=_("%(y)d年度各省参评单位平均得分") % {"y": year},
        categories=names,
        category_heading=_("省份"),
        series=[
            Series(_("运行使用"), [_mean([o.scores.operation for o in g]) for g in orgs], unit=_("分"), decimals=1),
            Series(_("共享服务成效"), [_mean([o.scores.sharing for o in g]) for g in orgs], unit=_("分"), decimals=1),
            Series(_("组织管理"), [_mean([o.scores.management for o in g]) for g in orgs], unit=_("分"), decimals=1),
            Series(
                _("平均总分"),
                [_mean([o.scores.total for o in g]) for g in orgs],
                unit=_("分"),
                decimals=1,
                plotted=False,
            ),
            Series(_("参评单位"), [len(g) for g in orgs], unit=_("个"), decimals=0, plotted=False),
        ],
        filename=_("%(y)d年度各省开放共享平均得分") % {"y": year},
    )


def top_instruments_chart(ranking: list[OrganizationOpenness], year: int) -> Chart:
    """The ten evaluated instruments with the most effective hours, and their external service hours."""
    items = heapq.nlargest(
        TOP_INSTRUMENTS,
        (i for org in ranking for i in org.instruments if i.qualifies),
        key=lambda i: (i.effective_hours, -i.id),
    )
    return Chart(
        id="top_instruments",
        kind="bar",
        title=_("%(y)d年度有效机时最多的%(n)d台仪器") % {"y": year, "n": TOP_INSTRUMENTS},
        categories=[f"{i.name}（{i.owner_name}）" for i in items],
        category_heading=_("仪器（所属单位）"),
        series=[
            Series(_("有效机时"), [i.effective_hours for i in items], unit="h", decimals=1),
            Series(_("对外服务机时"), [i.external_hours for i in items], unit="h", decimals=1),
            Series(_("共享率"), [i.sharing_rate * 100 for i in items], unit="%", decimals=2, plotted=False),
        ],
        horizontal=True,
        filename=_("%(y)d年度仪器有效机时前%(n)d名") % {"y": year, "n": TOP_INSTRUMENTS},
    )
