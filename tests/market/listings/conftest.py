"""Fixtures of the listings tests: valid input per kind, built on the shared factories' details."""

import datetime as dt

import pytest
from django.utils import timezone

from nesta.market.models import ListingKind
from tests.market.factories import DETAILS, FACETS


def listing_data(kind: str = ListingKind.ACHIEVEMENT, **extra):
    """A valid create input of `kind` (the owner defaults to the actor's organisation)."""
    data = {
        "kind": kind,
        "title": "高性能铸造铝合金成套技术",
        "summary": "面向汽车轻量化的高强韧铸造铝合金及其熔体净化、缩松缺陷控制技术。",
        "keywords": "铸造,铝合金,缩松",
        "field": "automotive",
        "contact_name": "王工",
        "contact_phone": "024-12345678",
        "contact_email": "wang@example.cn",
        "valid_until": (timezone.localdate() + dt.timedelta(days=200)).isoformat(),
        "details": dict(DETAILS[kind]),
    }
    for name, value in FACETS.get(kind, {}).items():
        data[name] = str(value) if name.startswith("price") else value
    data.update(extra)
    return data


@pytest.fixture
def make_data():
    return listing_data
