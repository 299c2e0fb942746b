"""Chinese by default; English after the language switch (a POST to /i18n/setlang/)."""

import pytest

from tests.web.conftest import text

pytestmark = pytest.mark.django_db


def switch(client, language: str, next_url: str = "/"):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


def test_default_is_simplified_chinese(client, reference):
    html = text(client.get("/"))
    assert '<html lang="zh-Hans">' in html
    assert "机构名录" in html and "English" in html


def test_switch_to_english_and_back(client, reference, zone_members):
    r = switch(client, "en", "/directory/zones/")
    assert r.status_code == 302 and r["Location"] == "/directory/zones/"
    html = text(client.get("/"))
    assert '<html lang="en">' in html
    assert "Directory" in html and "Experts" in html and "High-tech zones" in html
    assert "S&amp;T Innovation Platform" in html  # platform names from the database
    assert "Shenyang National Hi-tech Industrial Development Zone" in html
    assert "CNY 400 million" in html and "CNY 500 million" in html
    assert "简体中文" in html
    html = text(client.get("/directory/organizations/"))
    assert "Search" in html and "All provinces" in html
    html = text(client.get("/cooperation/"))
    assert "under construction" in html
    switch(client, "zh-hans")
    html = text(client.get("/"))
    assert "机构名录" in html and "四大科技平台" in html


def test_english_error_messages_from_services(client, users):
    client.force_login(users["office"])
    switch(client, "en")
    r = client.post(
        "/directory/organizations/new/",
        {"name": "Test", "kind": "enterprise", "province": "210000", "city": "220100", "is_active": "on"},
    )
    assert r.status_code == 422  # one status for a failed form POST (nesta.core.generic.base)
    assert "The city is not in the selected province." in text(r)


def test_english_login_errors(client, users):
    switch(client, "en")
    r = client.post("/accounts/login/", {"username": "t_office", "password": "wrong"})
    assert "Incorrect username or password" in text(r)


def test_english_404(client, reference):
    switch(client, "en")
    r = client.get("/nothing-here/")
    assert r.status_code == 404 and "Page not found" in text(r)


def test_english_edit_keeps_chinese_search_working(client, users, org_ln):
    """Index text is built in Chinese whatever the UI language of the person who saved the record."""
    client.force_login(users["office"])
    switch(client, "en")
    r = client.post(
        f"/directory/organizations/{org_ln.pk}/edit/",
        {
            "name": org_ln.name,
            "kind": "enterprise",
            "province": "210000",
            "city": "210100",
            "is_active": "on",
            "is_private_tech_enterprise": "on",
        },
    )
    assert r.status_code == 302
    switch(client, "zh-hans")
    r = client.get("/directory/organizations/", {"q": "民营科技企业"})
    assert [o.pk for o in r.context["page"].items] == [org_ln.pk]
    r = client.get("/directory/organizations/", {"q": "企业"})
    assert org_ln.pk in [o.pk for o in r.context["page"].items]


def test_translation_catalogue_is_complete():
    """Every message of the English catalogue is translated and none is fuzzy."""
    from pathlib import Path

    from django.conf import settings

    po = (Path(settings.BASE_DIR) / "nesta/locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]
    untranslated = []
    for entry in entries:
        if "#, fuzzy" in entry or "#~" in entry:
            if "#, fuzzy" in entry:
                untranslated.append(entry)
            continue
        strs = [line for line in entry.splitlines() if line.startswith("msgstr")]
        if any(line.endswith('""') for line in strs):
            # a multi-line msgstr starts with "" and continues on the next lines
            lines = entry.splitlines()
            for i, line in enumerate(lines):
                if (
                    line.startswith("msgstr")
                    and line.endswith('""')
                    and (i + 1 >= len(lines) or not lines[i + 1].startswith('"'))
                ):
                    untranslated.append(entry)
    assert untranslated == []
    assert (Path(settings.BASE_DIR) / "nesta/locale/en/LC_MESSAGES/django.mo").exists()
