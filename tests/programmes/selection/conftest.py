"""A call in review with scored applications: reviews written straight to the tables."""

from decimal import Decimal

import pytest
from django.utils import timezone

from nesta.programmes.models import ApplicationStatus, Assignment, AssignmentStatus, Review
from tests.factories import OrganizationFactory
from tests.programmes.factories import ApplicationFactory, CallFactory, expert


def scored_call(scores_costs, *, budget="3000000.00", tilt_share=None, reviewers=3, private=()):
    """A reviewing call; application k gets reviews with the given total from each of `reviewers`
    experts and requests the given amount (万元). Returns (call, [applications])."""
    call = CallFactory(status="reviewing", budget=Decimal(budget), max_request=Decimal(budget))
    if tilt_share is not None:
        call.tilt_group = "private_tech"
        call.tilt_share = Decimal(str(tilt_share))
        call.save(update_fields=["tilt_group", "tilt_share"])
    rnd = call.rounds.first()
    people = [expert() for _ in range(reviewers)]
    apps = []
    for k, (score, wan) in enumerate(scores_costs):
        org = OrganizationFactory(province_code="220000" if k % 2 else "210000", city_code="")
        app = ApplicationFactory(
            call=call,
            organization=org,
            status=ApplicationStatus.IN_REVIEW,
            requested_amount=Decimal(wan) * 10000,
            is_private_tech=k in private,
        )
        for p in people:
            seat = Assignment.objects.create(round=rnd, application=app, expert=p, status=AssignmentStatus.SUBMITTED)
            Review.objects.create(
                assignment=seat,
                scores={},
                total=Decimal(str(score)),
                grade="A",
                opinion="fundable",
                familiarity="expert",
                comments="评审意见内容充分。",
                submitted_at=timezone.now(),
            )
        apps.append(app)
    return call, apps


@pytest.fixture
def office(users):
    return users["office"]
