"""The answers every operation may give, whatever its own declaration says, added to the OpenAPI
document so that it describes what the server does (checked by tests/api/test_schemathesis.py).

They come from layers in front of the endpoint: the request guards (400 NUL / unreadable body,
413 body too large, 414 URL too long), authentication (401 for a bad Bearer token, also on open
reads), the body parser (400 not a JSON object, 415 not JSON), parameter validation (422) and
the write transaction (503 + Retry-After when the database is busy).
"""

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}

COMMON = {
    "400": "请求格式有误（控制字符、无法解析的请求体）",
    "401": "需要登录，或访问令牌无效",
    "413": "请求体过大",
    "414": "请求地址过长",
}
WITH_INPUT = {"422": "参数未通过校验"}
WITH_JSON_BODY = {"415": "请求体不是 JSON"}
WRITES = {"503": "系统繁忙，稍后重试（见 Retry-After）"}
ERROR_SCHEMA = {
    "title": "ErrorOut",
    "type": "object",
    "properties": {
        "code": {"title": "Code", "type": "string"},
        "message": {"title": "Message", "type": "string"},
        "details": {"title": "Details"},
    },
    "required": ["code", "message"],
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


BINARY = {"type": "string", "format": "binary"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(path: str, method: str) -> dict[str, Any] | None:
    """File answers (their endpoints return an HttpResponse, which ninja cannot describe)."""
    if method != "get":
        return None
    if path.endswith(".xlsx"):
        return {"description": "XLSX 文件", "content": {XLSX: {"schema": BINARY}}}
    if path.endswith(".ics"):
        return {"description": "iCalendar 日历", "content": {"text/calendar": {"schema": {"type": "string"}}}}
    if path.endswith("/orders/{order_id}/report"):
        return {
            "description": "检测报告文件（原文件类型）",
            "content": {"*/*": {"schema": BINARY}},
        }
    return None


def add_platform_responses(schema: dict[str, Any]) -> dict[str, Any]:
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault("ErrorOut", ERROR_SCHEMA)
    for path, path_item in schema.get("paths", {}).items():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            download = _download(path, method.lower())
            if download is not None:
                operation["responses"]["200"] = download
            extra = dict(COMMON)
            if operation.get("parameters") or operation.get("requestBody"):
                extra.update(WITH_INPUT)
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                extra.update(WITH_JSON_BODY)
            if method.lower() != "get":
                extra.update(WRITES)
            responses = operation["responses"]
            for status, description in extra.items():
                responses.setdefault(status, _error(description))
    return schema
