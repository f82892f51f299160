"""Web pages of this app, mounted by motcua.urls at /bao-cao/."""

from __future__ import annotations

from django.urls import path

from motcua.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_page, name="report"),
    path("o/", views.cell_page, name="cell"),
    path("xlsx/", views.export_xlsx, name="xlsx"),
    path("pdf/", views.export_pdf, name="pdf"),
    path("tong-quan/", views.dashboard_page, name="dashboard"),
    path("chi-so/", views.index_page, name="index"),
    path("cong-khai/<str:agency_code>/", views.public_page, name="public"),
]
