"""The portal's language switch (Vietnamese first, English second): a POST that sets Django's
language cookie and goes back to the page (only to a path on this site)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST


@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    target = str(request.POST.get("next", "") or "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None, require_https=request.is_secure()):
        target = "/"
    if not target.startswith("/"):
        target = "/"
    response = HttpResponseRedirect(target)
    language = str(request.POST.get("language", ""))
    if language in dict(settings.LANGUAGES) and check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    return response
