"""The REST API under /api/v1/, with its OpenAPI document at /api/v1/openapi.json.

Every error is JSON with a human-readable "message".
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accounts.api import router as accounts_router
from ideas.api import router as ideas_router
from municipality.api import router as municipality_router
from strategy.api import router as strategy_router

api = NinjaAPI(
    title="Etappe API",
    version="1",
    description="Open API of an Etappe installation: the municipality, its strategy and, with a token, internal data.",
    urls_namespace="api",
)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"message": str(exc)}, status=exc.status_code)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"message": "The request is not valid.", "errors": exc.errors}, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"message": "A valid API token of a staff account is required."}, status=401)


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
