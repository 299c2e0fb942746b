"""The API's request-body parser: JSON objects only, and only under a JSON media type.

ninja calls it for every operation that takes a JSON body and turns any exception into
HttpError(400) with the original as ``__cause__``; nesta.api's HttpError handler maps
UnsupportedMediaType to 415 and NotAJsonObject to a 400 with its own message.
"""

import json
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser


class UnsupportedMediaType(Exception):
    """The body is not declared as JSON (application/json or any */*+json type)."""


class NotAJsonObject(Exception):
    """The body parsed, but to a list, string, number or null where an object is expected."""


def is_json_media_type(content_type: str) -> bool:
    main = (content_type or "").split(";", 1)[0].strip().lower()
    return main == "application/json" or (main.startswith("application/") and main.endswith("+json"))


class StrictJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if not is_json_media_type(request.META.get("CONTENT_TYPE", "")):
            raise UnsupportedMediaType(request.META.get("CONTENT_TYPE", ""))
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise NotAJsonObject(type(data).__name__)
        return data
