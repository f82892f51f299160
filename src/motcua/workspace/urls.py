"""Web pages of this app, mounted by motcua.urls at /can-bo/."""

from __future__ import annotations

from django.urls import path

from motcua.workspace import views_account, views_auth, views_dossier, views_lists, views_reception, views_signing

app_name = "workspace"
urlpatterns: list = [
    path("", views_lists.worklist, name="worklist"),
    path("dang-nhap/", views_auth.sign_in, name="sign_in"),
    path("dang-nhap/ma-xac-thuc/", views_auth.sign_in_code, name="sign_in_code"),
    path("tai-khoan/xac-thuc-hai-lop/", views_account.second_factor, name="security"),
    path("tai-khoan/doi-mat-khau/", views_account.password, name="password"),
    path("dang-xuat/", views_auth.sign_out, name="sign_out"),
    path("dang-xuat-moi-noi/", views_auth.sign_out_everywhere, name="sign_out_everywhere"),
    path("dem/", views_lists.tab_counts, name="tab_counts"),
    path("lanh-dao/", views_lists.leader, name="leader"),
    path("tiep-nhan/", views_reception.reception_page, name="reception"),
    path("tiep-nhan/thu-tuc/", views_reception.procedure_search, name="procedure_search"),
    path("tiep-nhan/giay-to/", views_reception.documents, name="documents"),
    path("tiep-nhan/cong-dan/", views_reception.applicant_lookup, name="applicant_lookup"),
    path("ho-so/<str:code>/", views_dossier.dossier_page, name="dossier"),
    path("ho-so/<str:code>/thao-tac/", views_dossier.dossier_action, name="dossier_action"),
    path("ho-so/<str:code>/y-kien/", views_dossier.dossier_comment, name="dossier_comment"),
    path("ho-so/<str:code>/tep/<int:component_id>/", views_dossier.dossier_file, name="dossier_file"),
    path("ho-so/<str:code>/mau/<str:key>/", views_dossier.dossier_form, name="dossier_form"),
    path("ho-so/<str:code>/ky-so/", views_signing.sign_page, name="dossier_sign"),
]
