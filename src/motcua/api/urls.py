"""One NinjaAPI at /api/v1/ assembled from each app's `api.py` router."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from motcua import __version__
from motcua.api.validation import field_errors
from motcua.calendar.api import router as calendar_router
from motcua.catalog.api import router as catalog_router
from motcua.core.api import router as me_router
from motcua.core.errors import DomainError
from motcua.dossiers.api import public_router as public_dossiers_router
from motcua.dossiers.api import registers_router
from motcua.dossiers.api import router as dossiers_router
from motcua.organizations.api import router as organizations_router
from motcua.payments.api import router as payments_router
from motcua.reports.api import router as reports_router
from motcua.signing.api import router as signing_router

api = NinjaAPI(
    title="motcua API",
    version="1",
    description=(
        'API của nền tảng motcua. Lỗi trả về dạng `{"error": {"code", "message", "fields"}}`; '
        "thông báo bằng tiếng Việt, tiếng Anh khi gửi `Accept-Language: en`."
    ),
    urls_namespace="api-v1",
    openapi_extra={"info": {"license": {"name": "AGPL-3.0-or-later"}, "x-motcua-version": __version__}},
)
api.add_router("/procedures", catalog_router, tags=["procedures"])
api.add_router("/agencies", organizations_router, tags=["agencies"])
api.add_router("/calendar", calendar_router, tags=["calendar"])
api.add_router("/me", me_router, tags=["auth"])
api.add_router("/dossiers", dossiers_router, tags=["dossiers"])
api.add_router("/public/dossiers", public_dossiers_router, tags=["public"])
api.add_router("/registers", registers_router, tags=["dossiers"])
api.add_router("/signatures", signing_router, tags=["signatures"])
api.add_router("/reports", reports_router, tags=["reports"])
api.add_router("/payments", payments_router, tags=["payments"])


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = api.create_response(request, {"error": exc.as_dict()}, status=exc.status)
    if exc.status == 429:
        response["Retry-After"] = str(exc.extra.get("retry_after", 60))
    return response


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    body = {
        "code": "validation_failed",
        "message": _("Dữ liệu gửi lên không hợp lệ."),
        "fields": field_errors(exc.errors),
    }
    return api.create_response(request, {"error": body}, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"code": "unauthenticated", "message": _("Cần đăng nhập hoặc mã truy cập API hợp lệ.")}
    return api.create_response(request, {"error": body}, status=401)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    body = {"code": "not_found", "message": _("Không tìm thấy.")}
    return api.create_response(request, {"error": body}, status=404)
