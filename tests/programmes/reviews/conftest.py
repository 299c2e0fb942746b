"""Seats to review: an accepted Assignment of an expert on an application in expert review."""

import pytest

from nesta.programmes.models import ApplicationStatus, Assignment, AssignmentStatus, TeamMember
from tests.programmes.factories import ApplicationFactory, CallFactory, expert


def make_seat(*, call=None, application=None, person=None, status=AssignmentStatus.ACCEPTED):
    call = call or (application.call if application else CallFactory(status="reviewing"))
    application = application or ApplicationFactory(call=call, status=ApplicationStatus.IN_REVIEW)
    person = person or expert()
    rnd = call.rounds.order_by("order").first()
    return Assignment.objects.create(round=rnd, application=application, expert=person, status=status)


@pytest.fixture
def seat(reference):
    s = make_seat()
    TeamMember.objects.create(
        application=s.application, name="李明远", organization_name="大连理工大学", is_lead=True, title="教授"
    )
    return s
