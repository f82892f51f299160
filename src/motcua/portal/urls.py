"""Web pages of this app, mounted by motcua.urls at the site root (last, so other prefixes win)."""

from __future__ import annotations

from django.urls import path

from motcua.portal.views import accounts, catalog, dossier, feedback, language, submit

app_name = "portal"
urlpatterns = [
    path("", catalog.home, name="home"),
    path("thu-tuc/", catalog.catalog, name="catalog"),
    path("thu-tuc/<str:code>/", catalog.procedure, name="procedure"),
    path("thu-tuc/<str:code>/mau/<int:pk>/", catalog.template_file, name="template_file"),
    path("thu-tuc/<str:code>/nop/", submit.start, name="start"),
    path("nop-ho-so/<int:pk>/", submit.draft, name="draft"),
    path("nop-ho-so/<int:pk>/xem-lai/", submit.review, name="review"),
    path("nop-ho-so/<int:pk>/nop/", submit.submit, name="submit"),
    path("nop-ho-so/<int:pk>/to-khai.pdf", submit.declaration, name="declaration"),
    path("tai-khoan/dang-ky/", accounts.register, name="register"),
    path("tai-khoan/xac-thuc/<str:token>/", accounts.verify, name="verify"),
    path("tai-khoan/dang-nhap/", accounts.sign_in, name="sign_in"),
    path("tai-khoan/dang-xuat/", accounts.sign_out, name="sign_out"),
    path("tai-khoan/thong-tin/", accounts.profile, name="profile"),
    path("tai-khoan/dinh-danh/", accounts.oidc_start, name="oidc_start"),
    path("tai-khoan/dinh-danh/ket-qua/", accounts.oidc_callback, name="oidc_callback"),
    path("ho-so-cua-toi/", accounts.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<str:code>/", dossier.dossier_page, name="dossier"),
    path("ho-so-cua-toi/<str:code>/thanh-toan/", dossier.pay, name="pay"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", dossier.supplement, name="supplement"),
    path("ho-so-cua-toi/<str:code>/rut-ho-so/", dossier.withdraw, name="withdraw"),
    path("ho-so-cua-toi/<str:code>/nhan-ket-qua/", dossier.delivery, name="delivery"),
    path("ho-so-cua-toi/<str:code>/danh-gia/", dossier.rate, name="rate"),
    path("ho-so-cua-toi/<str:code>/ket-qua/<int:pk>/", dossier.result_file, name="result_file"),
    path("ho-so-cua-toi/<str:code>/giay-to/<int:pk>/", dossier.issued_form, name="issued_form"),
    path("tra-cuu/", dossier.track_form, name="track_form"),
    path("tra-cuu/<str:code>/", dossier.track, name="track"),
    path("ngon-ngu/", language.switch, name="language"),
    path("phan-anh/", feedback.send, name="feedback"),
    path("phan-anh/theo-doi/", feedback.follow, name="feedback_follow"),
]
