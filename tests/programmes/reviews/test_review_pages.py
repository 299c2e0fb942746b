"""The expert's review pages."""

import pytest
from django.urls import reverse

from nesta.programmes.models import AssignmentStatus, Review
from tests.programmes.factories import expert
from tests.programmes.reviews.conftest import make_seat

pytestmark = pytest.mark.django_db

FORM = {
    "score_innovation": "80",
    "score_feasibility": "70.5",
    "grade": "A",
    "opinion": "priority",
    "familiarity": "expert",
    "comments": "研究基础扎实，技术路线可行，建议优先资助。",
}


def test_form_submits_review(client, seat):
    client.force_login(seat.expert.user)
    url = reverse("programmes:review_form", args=[seat.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="review-form"' in page.content
    assert "李明远".encode() in page.content  # open call: the team is shown
    r = client.post(url, FORM)
    assert r.status_code == 302
    review = Review.objects.get(assignment=seat)
    assert str(review.total) == "75.25"
    page = client.get(url)
    assert b'data-testid="submitted-review"' in page.content and b"75.25" in page.content


def test_form_errors_422(client, seat):
    client.force_login(seat.expert.user)
    r = client.post(reverse("programmes:review_form", args=[seat.pk]), {**FORM, "score_innovation": "120"})
    assert r.status_code == 422
    assert not Review.objects.exists()


def test_blind_page_hides_applicant_and_team(client, seat):
    call = seat.round.call
    call.blind = True
    call.save(update_fields=["blind"])
    client.force_login(seat.expert.user)
    page = client.get(reverse("programmes:review_form", args=[seat.pk]))
    body = page.content.decode()
    assert 'data-testid="blind-note"' in body
    assert seat.application.organization.name not in body
    assert "李明远" not in body


def test_other_expert_404(client, seat):
    client.force_login(expert().user)
    assert client.get(reverse("programmes:review_form", args=[seat.pk])).status_code == 404
    assert client.post(reverse("programmes:review_form", args=[seat.pk]), FORM).status_code == 404
    assert not Review.objects.exists()


def test_invited_seat_has_no_form(client, reference):
    s = make_seat(status=AssignmentStatus.INVITED)
    client.force_login(s.expert.user)
    page = client.get(reverse("programmes:review_form", args=[s.pk]))
    assert b'data-testid="not-open"' in page.content
    r = client.post(reverse("programmes:review_form", args=[s.pk]), FORM)
    assert r.status_code == 302 and not Review.objects.exists()


def test_my_reviews_list(client, seat, django_assert_max_num_queries):
    for _ in range(3):
        make_seat(person=seat.expert)
    client.force_login(seat.expert.user)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("programmes:review_list"))
    assert page.content.count(b'data-testid="review-seat"') == 4


def test_invitations_page_links_the_review_form(client, seat):
    client.force_login(seat.expert.user)
    page = client.get(reverse("programmes:my_invitations"))
    assert reverse("programmes:review_form", args=[seat.pk]).encode() in page.content
