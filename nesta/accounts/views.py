"""Sign in and sign out. Credentials are checked by accounts.services.user_authenticate, which
throttles guessing and writes the audit trail; the view only turns its outcome into a page."""

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from nesta.accounts.forms import LoginForm
from nesta.accounts.services import user_authenticate
from nesta.core.errors import NotAuthenticated, RateLimited


def client_ip(request: HttpRequest) -> str | None:
    """The address that connected. Behind a reverse proxy, the proxy must set REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR") or None


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = LoginForm(request.POST)
        if form.is_valid():
            try:
                user = user_authenticate(
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    ip=client_ip(request),
                )
            except RateLimited as exc:
                minutes = max(1, int(exc.details.get("retry_after", 900)) // 60)
                form.add_error(
                    None,
                    _("登录失败次数过多，账户已暂时锁定。请%(minutes)d分钟后再试。") % {"minutes": minutes},
                )
                status = 429
            except NotAuthenticated:
                form.add_error(None, _("用户名或密码不正确，请重新输入。"))
            else:
                if not user.is_active:
                    form.add_error(None, _("该账户已停用。"))
                else:
                    login(request, user)
                    return HttpResponseRedirect(_safe_next(request))
    else:
        form = LoginForm()
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)
