"""Creating and editing through the web goes through the services: permission, validation, audit."""

import pytest

from nesta.core.models import AuditLog
from nesta.directory.models import ExpertProfile, Organization, Person
from nesta.directory.validators import make_uscc
from tests.factories import PersonFactory
from tests.web.conftest import text

pytestmark = pytest.mark.django_db


def org_post(**overrides):
    data = {
        "name": "辽宁省新材料产业技术研究院",
        "short_name": "辽新材",
        "name_en": "",
        "kind": "research_institute",
        "uscc": "",
        "province": "210000",
        "city": "210100",
        "zone": "",
        "address": "沈阳市浑南区",
        "postal_code": "110000",
        "website": "",
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
        "established_year": "2005",
        "fields": ["superalloys", "rare-earth-magnets"],
        "description": "新材料研发。",
        "is_active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def person_post(**overrides):
    data = {
        "name": "孙启明",
        "gender": "M",
        "title": "研究员",
        "position": "所长",
        "organization": "",
        "email": "",
        "phone": "",
        "fields": ["superalloys"],
        "keywords": "高温合金, 单晶",
        "bio": "",
        "expertise": "",
        "degree": "",
        "is_available": "on",
        "max_reviews_per_year": "20",
        "aff-TOTAL_FORMS": "2",
        "aff-INITIAL_FORMS": "0",
        "aff-MIN_NUM_FORMS": "0",
        "aff-MAX_NUM_FORMS": "30",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- organisations ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, reference, org_ln):
    r = client.get("/directory/organizations/new/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=/directory/organizations/new/")
    r = client.post(f"/directory/organizations/{org_ln.pk}/edit/", org_post())
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    r = client.get("/directory/people/new/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_office_creates_organization_with_audit(login_as, users):
    c = login_as("office")
    assert c.get("/directory/organizations/new/").status_code == 200
    zone = Organization.objects.get(reference_key="zone-shenyang")
    r = c.post(
        "/directory/organizations/new/", org_post(zone=str(zone.pk), uscc=make_uscc("1", "2", "210100", "20567890"))
    )
    assert r.status_code == 302
    org = Organization.objects.get(name="辽宁省新材料产业技术研究院")
    assert r["Location"] == f"/directory/organizations/{org.pk}/"
    assert org.city.code == "210100" and org.zone == zone and org.established_year == 2005
    assert sorted(f.code for f in org.fields.all()) == ["rare-earth-magnets", "superalloys"]
    entry = AuditLog.objects.get(
        object_type="directory.organization", object_id=str(org.pk), action="organization.created"
    )
    assert entry.actor == users["office"]
    # the detail page shows the edit button and the change history to the office
    html = text(c.get(r["Location"]))
    assert "已创建机构" in html
    assert 'data-testid="edit-org"' in html and 'data-testid="org-audit"' in html and "修改记录" in html


def test_service_validation_errors_show_on_fields(login_as, reference):
    c = login_as("office")
    r = c.post("/directory/organizations/new/", org_post(uscc="91210100ABCDEFGH12", city="220100"))
    assert r.status_code == 422
    html = text(r)
    assert "统一社会信用代码" in html
    assert "城市不属于所选省份。" in html
    assert r.context["form"].errors["city"] == ["城市不属于所选省份。"]
    assert not Organization.objects.filter(name="辽宁省新材料产业技术研究院").exists()
    r = c.post("/directory/organizations/new/", org_post(uscc="91210100ABCDEFGH12"))
    assert r.context["form"].errors["uscc"] == ["统一社会信用代码校验位不正确。"]
    r = c.post("/directory/organizations/new/", org_post(fields=["no-such-field"]))
    assert r.status_code == 422 and r.context["form"].errors["fields"]


def test_duplicate_uscc_is_a_field_error(login_as, org_ln):
    code = make_uscc("1", "2", "210100", "30812345")
    org_ln.uscc = code
    org_ln.save()
    r = login_as("office").post("/directory/organizations/new/", org_post(uscc=code))
    assert r.status_code == 422
    assert "统一社会信用代码" in r.context["form"].errors["uscc"][0]  # unique check (or the service's Conflict)


def test_org_admin_edits_own_organization(login_as, users, org_ln):
    c = login_as("org_admin")
    r = c.get(f"/directory/organizations/{org_ln.pk}/")
    assert 'data-testid="edit-org"' in text(r)
    assert "修改记录" not in text(r)  # only the office sees the audit trail
    r = c.get(f"/directory/organizations/{org_ln.pk}/edit/")
    assert r.status_code == 200 and org_ln.name in text(r)
    r = c.post(f"/directory/organizations/{org_ln.pk}/edit/", org_post(name=org_ln.name, description="更新后的简介"))
    assert r.status_code == 302
    org_ln.refresh_from_db()
    assert org_ln.description == "更新后的简介"
    entry = AuditLog.objects.get(
        object_type="directory.organization", object_id=str(org_ln.pk), action="organization.updated"
    )
    assert entry.actor == users["org_admin"] and "description" in entry.changes


def test_org_admin_cannot_change_kind(login_as, org_ln):
    r = login_as("org_admin").post(
        f"/directory/organizations/{org_ln.pk}/edit/", org_post(name=org_ln.name, kind="university")
    )
    assert r.status_code == 403
    assert "无权访问" in text(r)


@pytest.mark.parametrize("role", ["member", "expert", "instrument_manager"])
def test_roles_without_create_permission_get_403(login_as, reference, role):
    c = login_as(role)
    r = c.get("/directory/organizations/new/")
    assert r.status_code == 403 and "无权访问" in text(r)


def test_org_admin_cannot_edit_other_organization(login_as, org_jl):
    c = login_as("org_admin")
    assert 'data-testid="edit-org"' not in text(c.get(f"/directory/organizations/{org_jl.pk}/"))
    assert c.get(f"/directory/organizations/{org_jl.pk}/edit/").status_code == 403
    assert c.post(f"/directory/organizations/{org_jl.pk}/edit/", org_post(name="x")).status_code == 403


def test_province_cannot_create_in_another_province(login_as, reference):
    c = login_as("province")
    r = c.get("/directory/organizations/new/")
    assert r.status_code == 200
    assert r.context["form"].initial["province"] == "210000"
    r = c.post("/directory/organizations/new/", org_post(province="220000", city="220100"))
    assert r.status_code == 403
    assert not Organization.objects.filter(name="辽宁省新材料产业技术研究院").exists()
    r = c.post("/directory/organizations/new/", org_post())
    assert r.status_code == 302


def test_audit_log_page(login_as, client, users, org_ln):
    from nesta.directory.services import organization_update

    organization_update(actor=users["office"], organization=org_ln, data={"address": "沈阳市和平区"})
    r = login_as("office").get("/audit/")
    assert r.status_code == 200
    html = text(r)
    assert "审计日志" in html and "沈阳市和平区" in html and "地址" in html
    assert f'<a href="/directory/organizations/{org_ln.pk}/">{org_ln.name}</a>' in html  # the record is linked
    r = login_as("office").get("/audit/", {"object_type": "directory.organization"}, HTTP_HX_REQUEST="true")
    assert "<html" not in text(r) and "沈阳市和平区" in text(r)
    for role in ("province", "org_admin", "expert", "member"):
        assert login_as(role).get("/audit/").status_code == 403
    r = client.get("/audit/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_audit_link_only_for_office(login_as):
    assert 'href="/audit/"' in text(login_as("office").get("/"))
    assert 'href="/audit/"' not in text(login_as("province").get("/"))


# --- people ----------------------------------------------------------------------------------


def test_create_expert_with_affiliations(login_as, users, org_ln, org_jl):
    c = login_as("office")
    assert c.get("/directory/people/new/").status_code == 200
    r = c.post(
        "/directory/people/new/",
        person_post(
            organization=str(org_ln.pk),
            phone="024-88886666",
            email="sun@example.cn",
            is_expert="on",
            expertise="镍基单晶高温合金",
            degree="博士",
            max_reviews_per_year="12",
            **{
                "aff-0-organization": str(org_jl.pk),
                "aff-0-role_title": "副研究员",
                "aff-0-start_year": "1998",
                "aff-0-end_year": "2004",
            },
        ),
    )
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    person = Person.objects.get(name="孙启明")
    assert person.organization == org_ln
    assert person.expert_profile.expertise == "镍基单晶高温合金" and person.expert_profile.max_reviews_per_year == 12
    assert [(a.organization, a.start_year, a.end_year) for a in person.affiliations.all()] == [(org_jl, 1998, 2004)]
    assert [f.code for f in person.fields.all()] == ["superalloys"]
    assert AuditLog.objects.filter(
        object_type="directory.person", object_id=str(person.pk), action="person.created", actor=users["office"]
    ).exists()
    html = text(c.get(f"/directory/people/{person.pk}/"))
    assert "024-88886666" in html and "sun@example.cn" in html  # the office may see contacts


def test_person_validation_errors(login_as, org_ln):
    c = login_as("office")
    r = c.post(
        "/directory/people/new/",
        person_post(
            phone="call me",
            **{"aff-0-organization": str(org_ln.pk), "aff-0-start_year": "2010", "aff-0-end_year": "2001"},
        ),
    )
    assert r.status_code == 422
    assert r.context["form"].errors["phone"] == ["电话号码格式不正确。"]
    assert not Person.objects.filter(name="孙启明").exists()


def test_affiliation_error_lands_on_its_row(login_as, org_ln):
    c = login_as("office")
    r = c.post(
        "/directory/people/new/",
        person_post(**{"aff-1-organization": str(org_ln.pk), "aff-1-start_year": "2010", "aff-1-end_year": "2001"}),
    )
    assert r.status_code == 422
    assert r.context["formset"].forms[1].errors
    assert not Person.objects.filter(name="孙启明").exists()


def test_edit_person_removes_expert_profile(login_as, users, org_ln):
    person = PersonFactory(name="周工", organization=org_ln)
    ExpertProfile.objects.create(person=person, expertise="焊接")
    c = login_as("org_admin")
    r = c.get(f"/directory/people/{person.pk}/edit/")
    assert r.status_code == 200 and r.context["form"].initial["is_expert"] is True
    r = c.post(f"/directory/people/{person.pk}/edit/", person_post(name="周工", organization=str(org_ln.pk)))
    assert r.status_code == 302
    assert not ExpertProfile.objects.filter(person=person).exists()
    entry = AuditLog.objects.get(object_type="directory.person", object_id=str(person.pk), action="person.updated")
    assert entry.actor == users["org_admin"] and "expert" in entry.changes


def test_person_permissions(login_as, client, users, org_ln, org_jl):
    other = PersonFactory(name="吴某", organization=org_jl, phone="13900000000")
    own = PersonFactory(name="郑某", organization=org_ln, phone="13700000000")
    admin = login_as("org_admin")
    assert admin.get(f"/directory/people/{other.pk}/edit/").status_code == 403
    assert "13900000000" not in text(admin.get(f"/directory/people/{other.pk}/"))
    assert "13700000000" in text(admin.get(f"/directory/people/{own.pk}/"))
    # org_admin may not add people to another organisation
    r = admin.post("/directory/people/new/", person_post(organization=str(org_jl.pk)))
    assert r.status_code == 403
    assert login_as("member").get("/directory/people/new/").status_code == 403
    assert client.get(f"/directory/people/{own.pk}/edit/").status_code == 302


def test_a_person_sees_and_edits_own_record(login_as, users):
    me = PersonFactory(name="专家本人", user=users["expert"], phone="13600000000")
    c = login_as("expert")
    r = c.get(f"/directory/people/{me.pk}/")
    assert "13600000000" in text(r) and 'data-testid="edit-person"' in text(r)
    r = c.post(f"/directory/people/{me.pk}/edit/", person_post(name="专家本人", phone="13600000001"))
    assert r.status_code == 302
    me.refresh_from_db()
    assert me.phone == "13600000001"
