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
        registry.permissions("accounts", permissions())

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
    "user.password_changed": _("密码已修改"),
    "user.password_reset": _("密码已重置"),
    "token.revoked": _("吊销访问令牌"),
}


def permissions() -> dict[str, dict[str, str]]:
    """Who may grant which role (accounts.services.role_grant), scoped where the grant takes
    effect: the office grants anything; a province grants within its province (its province's
    role, the roles of its organisations); an organisation admin grants member and
    instrument_manager in its own organisation."""
    from nesta.core.permissions import Role, Scope

    office = {Role.OFFICE: Scope.ALL}
    province = {**office, Role.PROVINCE: Scope.PROVINCE}
    org_admin = {**province, Role.ORG_ADMIN: Scope.ORGANIZATION}
    return {
        "role.grant.office": office,
        "role.grant.expert": office,
        "role.grant.finance": office,
        "role.grant.province": province,
        "role.grant.org_admin": province,
        "role.grant.instrument_manager": org_admin,
        "role.grant.member": org_admin,
    }
