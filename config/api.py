"""The REST API under /api/v1/, with its OpenAPI document at /api/v1/openapi.json.

Every error is JSON with a human-readable "message".
"""

import functools
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from pydantic import BaseModel

from accounts.api import router as accounts_router
from exchange.api import router as exchange_router
from exchange.fetching import parse_json
from ideas.api import router as ideas_router
from learning.api import router as learning_router
from lessons.api import router as lessons_router
from maturity.api import router as maturity_router
from municipality.api import router as municipality_router
from participation.api import router as participation_router
from prioritisation.api import router as prioritisation_router
from projects.api import router as projects_router
from reports.api import router as reports_router
from search.api import router as search_router
from service_inventory.api import router as services_router
from strategy.api import router as strategy_router
from surveys.api import router as surveys_router

ERROR = {
    "type": "object",
    "properties": {"message": {"type": "string"}, "errors": {"type": "array", "items": {}}},
    "required": ["message"],
}
ERRORS = {
    "401": "A valid API token of a staff account is required.",
    "403": "The token's user may not do this.",
    "404": "Not found (or not visible to the caller).",
    "409": "Someone else changed the object meanwhile.",
    "422": "The request is not valid.",
    "429": "Too many requests from this address; try again later.",
}
ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


class EtappeAPI(NinjaAPI):
    """Documents the error answers every operation can give, so clients (and schemathesis) know them."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                codes = ["401", "404", "422"]  # a wrong token is refused even where a token is optional
                if operation.get("security"):
                    codes.append("403")
                if method in ("post", "patch", "put", "delete"):
                    codes.append("409")
                responses = operation.setdefault("responses", {})
                for code in codes:
                    responses.setdefault(code, {"description": ERRORS[code], "content": ERROR_CONTENT})
                for code, response in responses.items():  # e.g. a 429 an operation declares itself
                    if str(code) in ERRORS and "content" not in response:
                        response["content"] = ERROR_CONTENT
        return schema


class StrictJsonParser(Parser):
    """Request bodies are read as the exchange reads peers' documents (`exchange.fetching.parse_json`):
    UTF-8, nested at most 32 deep, no NaN or Infinity, no numbers beyond what a float or a 53-bit
    integer holds, no lone surrogates. Python's json module takes `NaN` and `1e999` and the
    database then fails on them; ninja answers any refusal with 400 "Cannot parse request body"."""

    def parse_body(self, request: HttpRequest) -> Any:
        return parse_json(request.body, max_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440)


api = EtappeAPI(
    title="Etappe API",
    version="1",
    description="Open API of an Etappe installation: the municipality, its strategy and, with a token, internal data.",
    urls_namespace="api",
    parser=StrictJsonParser(),
)


NUL_MESSAGE = "Text must not contain NUL characters (U+0000)."


def _nul_locations(value: Any, location: tuple) -> Iterator[tuple]:
    """Where a NUL character sits in a validated input: in a string, a dict key or anything nested."""
    if isinstance(value, str):
        if "\x00" in value:
            yield location
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _nul_locations(getattr(value, name, None), (*location, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and "\x00" in key:
                yield location
            yield from _nul_locations(item, (*location, key))
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            yield from _nul_locations(item, (*location, index))


def _nul_as_space(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", " ") if "\x00" in value else value
    if isinstance(value, BaseModel):
        changed = {name: _nul_as_space(getattr(value, name, None)) for name in type(value).model_fields}
        changed = {name: item for name, item in changed.items() if item is not getattr(value, name, None)}
        return value.model_copy(update=changed) if changed else value
    if isinstance(value, list):
        return [_nul_as_space(item) for item in value]
    return value


def refuse_nul_characters(view_func: Callable) -> Callable:
    """A NUL character in any string of an operation's validated input (path, query, form, JSON
    body, nested or a dict key) is refused with 422 and a message: PostgreSQL cannot store one, and
    no text needs it. Reading operations (GET, HEAD) take it as a space instead, as the search does:
    a filter holding one could match nothing anyway. Applied to the whole API below, so no schema
    has to remember it."""

    @functools.wraps(view_func)
    def checked(request: HttpRequest, *args: Any, **values: Any) -> Any:
        if request.method in ("GET", "HEAD"):
            return view_func(request, *args, **{name: _nul_as_space(value) for name, value in values.items()})
        errors = [
            {"type": "nul_character", "loc": list(location), "msg": NUL_MESSAGE}
            for name, value in values.items()
            for location in _nul_locations(value, (name,))
        ]
        if errors:
            raise ValidationError(errors)
        return view_func(request, *args, **values)

    return checked


api.add_decorator(refuse_nul_characters, mode="operation")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"message": str(exc)}, status=exc.status_code)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    nul = any(error.get("type") == "nul_character" for error in exc.errors if isinstance(error, dict))
    message = NUL_MESSAGE if nul else "The request is not valid."
    return api.create_response(request, {"message": message, "errors": exc.errors}, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"message": "A valid API token of a staff account is required."}, status=401)


@api.exception_handler(OverflowError)
def number_too_large(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # An id or filter beyond what the database can store: nothing can match it.
    return api.create_response(request, {"message": "Not found."}, status=404)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"message": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"message": "You may not do this."}, status=403)


api.add_router("", municipality_router)
api.add_router("", strategy_router)
api.add_router("", accounts_router)
api.add_router("", ideas_router)
api.add_router("", surveys_router)
api.add_router("", projects_router)
api.add_router("", prioritisation_router)
api.add_router("", participation_router)
api.add_router("", lessons_router)
api.add_router("", search_router)
api.add_router("", services_router)
api.add_router("", maturity_router)
api.add_router("", learning_router)
api.add_router("", reports_router)
api.add_router("", exchange_router)
