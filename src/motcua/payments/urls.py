"""Web pages of this app, mounted by motcua.urls at /thanh-toan/."""

from __future__ import annotations

from django.urls import path

from motcua.payments import views

app_name = "payments"
urlpatterns = [
    path("ket-qua/<slug:provider>/", views.return_page, name="return"),
    path("ipn/<slug:provider>/", views.ipn, name="ipn"),
    path("trang-thai/<slug:reference>/", views.status_fragment, name="status"),
    path("ho-so/<str:code>/", views.dossier_payments, name="dossier"),
    path("ho-so/<str:code>/bien-lai/<slug:reference>.pdf", views.receipt_pdf, name="receipt"),
]
