"""Sign in and sign out; the account's password and API tokens; password reset by e-mail. Credentials are checked by accounts.services.user_authenticate, which
throttles guessing and writes the audit trail; the view only turns its outcome into a page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from nesta.accounts import selectors, services
from nesta.accounts.forms import LoginForm
from nesta.accounts.services import user_authenticate
from nesta.core.errors import NotAuthenticated, NotFound, RateLimited, ValidationFailed


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


# --- the account's credentials: password change, API tokens, password reset -------------------------


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    status = 200
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                revoked = services.user_password_change(
                    actor=request.user,
                    current_password=form.cleaned_data["old_password"],
                    new_password=form.cleaned_data["new_password1"],
                )
            except ValidationFailed as exc:
                fields = {"current_password": "old_password", "new_password": "new_password1"}
                for name, errors in exc.details.items():
                    for error in errors:
                        form.add_error(fields.get(name), error)
            else:
                update_session_auth_hash(request, request.user)  # this session stays; the others end
                messages.success(request, _("密码已修改；其他设备上的登录和 %(n)d 个访问令牌已失效。") % {"n": revoked})
                return redirect("accounts:tokens")
        status = 422
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


@login_required
@never_cache
@require_http_methods(["GET"])
def tokens_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/tokens.html", {"tokens": selectors.api_token_list(user=request.user)})


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.api_token_revoke(actor=request.user, token_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("访问令牌已吊销。"))
    return redirect("accounts:tokens")


class ResetSetPasswordForm(SetPasswordForm):
    """Django's form, saved through the service (audited; every API token revoked)."""

    def save(self, commit: bool = True):
        services.user_password_reset(user=self.user, new_password=self.cleaned_data["new_password1"])
        return self.user


# Django's token views. The request page answers the same whether or not the address belongs to
# an account (no enumeration); the e-mail and pages are in Chinese (templates/accounts/).
password_reset_view = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset_form.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done_view = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
password_reset_confirm_view = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    form_class=ResetSetPasswordForm,
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete_view = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
