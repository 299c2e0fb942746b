"""Each offered transition from each state: allowed from its sources, 409 invalid_state otherwise."""

import pytest

from nesta.core.errors import Conflict
from nesta.programmes.lifecycles.application import APPLICATION
from nesta.programmes.models import ApplicationStatus, TeamMember
from nesta.programmes.services import applications as services
from tests.programmes.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

ACTOR = {
    "submit": "member",
    "withdraw": "member",
    "request_acceptance": "member",
    "recommend": "province",
    "not_recommend": "province",
    "return": "office",
    "pass_check": "office",
}
INPUT = {
    "not_recommend": {"reason": "不符合方向"},
    "return": {"checklist": {"budget": {"ok": False, "reason": "预算不合规"}}},
}
CASES = [(t.name, s) for t in APPLICATION.offered() for s in ApplicationStatus.values]


def test_every_offered_transition_has_an_actor():
    assert {t.name for t in APPLICATION.offered()} == set(ACTOR)


@pytest.mark.parametrize("name,state", CASES)
def test_transition_from_state(users, reference, name, state):
    app = ApplicationFactory(status=state, organization=users["member"].organization, applicant=users["member"])
    TeamMember.objects.create(application=app, name="李明", is_lead=True)
    t = APPLICATION.transition(name)

    def run():
        return services.application_run(name, actor=users[ACTOR[name]], application_id_=app.pk, **INPUT.get(name, {}))

    if state in t.sources:
        assert run().status == t.target
    else:
        with pytest.raises(Conflict) as exc:
            run()
        assert exc.value.code == "invalid_state" and exc.value.details["status"] == state
