import json

import pytest

from nesta.directory.models import Person
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def test_create_expert_with_history_and_contact_privacy(client, users, org_ln, org_jl):
    data = {
        "name": "李明",
        "title": "教授",
        "organization": org_ln.pk,
        "email": "liming@example.cn",
        "phone": "024-23880001",
        "fields": ["superalloys"],
        "keywords": "高温合金, 焊接",
        "expert": {"expertise": "镍基高温合金凝固与焊接", "degree": "博士"},
        "affiliations": [{"organization": org_jl.pk, "role_title": "副研究员", "start_year": 2001, "end_year": 2008}],
    }
    response = client.post(
        "/api/v1/people", data=json.dumps(data), content_type="application/json", **bearer(users["org_admin"])
    )
    assert response.status_code == 201, response.content
    pid = response.json()["id"]
    public = client.get(f"/api/v1/people/{pid}").json()
    assert public["email"] is None and public["phone"] is None
    assert public["expert"]["degree"] == "博士"
    assert public["affiliations"][0]["organization"]["id"] == org_jl.pk
    assert client.get(f"/api/v1/people/{pid}", **bearer(users["office"])).json()["email"] == "liming@example.cn"
    found = client.get("/api/v1/people", {"q": "焊接", "experts_only": "true"}).json()["items"]
    assert [p["id"] for p in found] == [pid]


def test_member_cannot_create_people_and_nothing_is_written(client, users, org_ln):
    response = client.post(
        "/api/v1/people",
        data=json.dumps({"name": "王五", "organization": org_ln.pk}),
        content_type="application/json",
        **bearer(users["member"]),
    )
    assert response.status_code == 403
    assert not Person.objects.filter(name="王五").exists()
