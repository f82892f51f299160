from django.contrib import admin
from django.urls import include, path

from motcua.api.urls import api
from motcua.core import views

admin.site.site_header = "motcua – Quản trị"
admin.site.site_title = "motcua"
admin.site.index_title = "Cấu hình hệ thống"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("can-bo/", include("motcua.workspace.urls")),
    path("chu-ky-so/", include("motcua.signing.urls")),
    path("bao-cao/", include("motcua.reports.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    # The citizens' portal owns the site root; it comes last so the prefixes above win.
    path("", include("motcua.portal.urls")),
]
