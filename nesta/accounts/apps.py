from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "nesta.accounts"
    label = "accounts"
    verbose_name = _("账户与角色")

    def ready(self) -> None:
        from nesta.accounts.models import ApiToken, RoleAssignment, User
        from nesta.accounts.services import api_token_user
        from nesta.core.registry import registry

        registry.token_authenticator(lambda key: api_token_user(key=key))

        for event, label in AUDIT_EVENTS.items():
            registry.audit_event(event, label)
        registry.audit_model(User)
        registry.audit_model(RoleAssignment)
        registry.audit_model(ApiToken)


# The accounts' named audit events and their labels.
AUDIT_EVENTS = {
    "user.login": _("登录"),
    "user.login_failed": _("登录失败"),
    "apitoken.created": _("签发访问令牌"),
    "role.granted": _("授予角色"),
}
