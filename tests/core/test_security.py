"""Security settings and headers (issue 7, C.4): a per-installation secret key, production
refusing the published default, escaped messages even from a forged cookie, a CSP without
inline script, templates without inline script or handlers."""

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _prod_env(tmp_path, **extra):
    # A deployment's environment: no key of ours, and not the browser tests' async opt-out
    # (tests/browser/conftest.py sets DJANGO_ALLOW_ASYNC_UNSAFE for the whole test process).
    dropped = {"DJANGO_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(DJANGO_SETTINGS_MODULE="nesta.settings.prod", NESTA_VAR_DIR=str(tmp_path), **extra)
    return env


def _prod_secret(env):
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_production_generates_a_per_installation_key_kept_private(tmp_path):
    first = _prod_secret(_prod_env(tmp_path))
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.stdout.strip() == key_file.read_text().strip()
    assert len(first.stdout.strip()) >= 50
    again = _prod_secret(_prod_env(tmp_path))
    assert again.stdout == first.stdout  # kept, not regenerated


def test_production_uses_djangos_secret_key_when_set(tmp_path):
    result = _prod_secret(_prod_env(tmp_path, DJANGO_SECRET_KEY="k" * 60))
    assert result.stdout.strip() == "k" * 60
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_the_published_default(tmp_path):
    from nesta.settings.base import DEV_SECRET_KEY

    result = _prod_secret(_prod_env(tmp_path, DJANGO_SECRET_KEY=DEV_SECRET_KEY))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_but_for_the_https_items(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        env=_prod_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    found = set(re.findall(r"\(security\.(W\d+)\)", result.stdout + result.stderr))
    https_items = {"W004", "W008", "W012", "W016"}  # HSTS, SSL redirect, secure cookies: need TLS
    assert found <= https_items, result.stdout + result.stderr


@pytest.mark.django_db
def test_a_forged_messages_cookie_cannot_inject_html(client, reference):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory
    from django.utils.safestring import mark_safe

    # Someone who knows the key signs a cookie whose message claims to be safe HTML.
    storage = CookieStorage(RequestFactory().get("/"))
    forged = storage._encode([Message(constants.INFO, mark_safe("<script>alert(1)</script>"))])
    client.cookies["messages"] = forged
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html


@pytest.mark.django_db
def test_pages_carry_a_csp_without_inline_script(client, reference):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in directives["script-src"]
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    for script in re.findall(r"<script\b[^>]*>(.*?)</script>", response.content.decode(), re.S):
        assert not script.strip(), script


@pytest.mark.django_db
def test_the_api_docs_have_their_own_policy(client, reference):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "script-src 'self' 'unsafe-inline'" in response["Content-Security-Policy"]


def test_no_template_has_inline_script_or_handlers():
    offenders = []
    for path in (ROOT / "nesta").rglob("templates/**/*.html"):
        text = path.read_text()
        for m in re.finditer(r"<script\b([^>]*)>(.*?)</script>", text, re.S):
            if "src=" not in m.group(1) or m.group(2).strip():
                offenders.append(f"{path}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text:
            offenders.append(f"{path}: on*= handler or javascript: URL")
    assert not offenders, offenders
