"""Domain errors. Services raise them; the API and the web views turn them into responses.

Each error has a stable machine code, an HTTP status, and a message translated to the
request's language (Chinese by default, English on request).
"""

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "error"
    status = 400
    default_message: Any = _("请求无法处理。")

    def __init__(self, message: Any = None, *, code: str | None = None, details: Any = None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.details = details if details is not None else {}
        super().__init__(str(self.message))


class BadRequest(DomainError):
    code = "bad_request"
    status = 400
    default_message = _("请求格式有误。")


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401
    default_message = _("需要登录或有效的访问令牌。")


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("您没有执行此操作的权限。")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("未找到请求的记录。")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("与现有记录冲突。")


class ValidationFailed(DomainError):
    """details: {field: [message, ...]}"""

    code = "validation_error"
    status = 422
    default_message = _("提交的数据未通过校验。")


class RateLimited(DomainError):
    code = "too_many_attempts"
    status = 429
    default_message = _("尝试次数过多，请稍后再试。")


def validation_details(exc: Exception) -> dict[str, list[str]]:
    """Flatten a Django ValidationError into {field: [messages]}."""
    if hasattr(exc, "message_dict"):
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    if hasattr(exc, "messages"):
        return {"__all__": [str(m) for m in exc.messages]}
    return {"__all__": [str(exc)]}


class ServiceUnavailable(DomainError):
    """The database was too busy to take the write lock in time: retry shortly (503 + Retry-After)."""

    code = "busy"
    status = 503
    default_message = _("系统繁忙，请稍后重试。")
