"""Admin screens: the certificate registry (import from a file) and the trusted roots (SIG-10).

Adding a certificate or a root goes through the same import services as the code, so a wrong
PKCS#12 password, a file that is not a certificate or an expired certificate gets the same clear
message. The password typed for a PKCS#12 file is used once to read it and never stored.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import ValidationFailed
from motcua.signing import registry
from motcua.signing.models import Certificate, KeyStore, SignatureRecord, TrustedRoot

KEY_FIELDS = (
    "pkcs12_path",
    "pkcs11_module",
    "pkcs11_token",
    "pkcs11_key",
    "pkcs11_cert",
    "secret_env",
    "secret_file",
)


class CertificateImportForm(forms.ModelForm):
    certificate_file = forms.FileField(label=_("Tệp chứng thư (PEM, DER, PKCS#12)"))
    file_password = forms.CharField(
        label=_("Mật khẩu tệp PKCS#12 (chỉ dùng để đọc, không lưu)"), required=False, widget=forms.PasswordInput
    )

    class Meta:
        model = Certificate
        fields = ("kind", "agency", "official", "key_store", *KEY_FIELDS, "seal_image", "is_active")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("certificate_file")
        if upload is None or self.errors:
            return data
        try:
            self.parsed = registry.parse_certificate_file(upload.read(), data.get("file_password") or None)
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc.message)) from exc
        return data


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("common_name", "kind", "agency", "official", "serial", "not_after", "key_store", "is_active")
    list_filter = ("kind", "key_store", "is_active")
    search_fields = ("common_name", "serial", "subject", "agency__name")
    list_select_related = ("agency", "official")
    autocomplete_fields = ()
    raw_id_fields = ("agency", "official")
    readonly_fields = ("subject", "issuer", "serial", "fingerprint", "not_before", "not_after", "created_at")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        if obj is None:
            kwargs["form"] = CertificateImportForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None):
        if obj is None:
            return ("certificate_file", "file_password", *CertificateImportForm.Meta.fields)
        return (
            "kind",
            "agency",
            "official",
            *self.readonly_fields,
            "key_store",
            *KEY_FIELDS,
            "seal_image",
            "is_active",
            "revoked_at",
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None):
        return self.readonly_fields if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Certificate, form: Any, change: bool) -> None:
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        try:
            created = registry.import_certificate(
                form.cleaned_data["certificate_file"].open().read(),
                password=data.get("file_password") or None,
                kind=data["kind"],
                agency=data["agency"],
                official=data.get("official"),
                key_store=data.get("key_store") or KeyStore.NONE,
                **{name: data.get(name) or "" for name in KEY_FIELDS},
            )
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc.message)) from exc
        if data.get("seal_image"):
            created.seal_image = data["seal_image"]
            created.save(update_fields=["seal_image"])
        obj.pk = created.pk
        obj.refresh_from_db()


class TrustedRootForm(forms.ModelForm):
    certificate_file = forms.FileField(label=_("Tệp chứng thư gốc (PEM hoặc DER)"))

    class Meta:
        model = TrustedRoot
        fields = ("name", "is_active")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("certificate_file")
        if upload is not None:
            try:
                registry.parse_certificate_file(upload.read())
            except ValidationFailed as exc:
                raise forms.ValidationError(str(exc.message)) from exc
            upload.seek(0)
        return data


@admin.register(TrustedRoot)
class TrustedRootAdmin(admin.ModelAdmin):
    list_display = ("name", "subject", "not_after", "is_demo", "is_active")
    list_filter = ("is_demo", "is_active")
    readonly_fields = ("subject", "fingerprint", "not_after", "is_demo", "created_at")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        if obj is None:
            kwargs["form"] = TrustedRootForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None):
        if obj is None:
            return ("certificate_file", "name", "is_active")
        return ("name", *self.readonly_fields, "is_active")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None):
        return self.readonly_fields if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: TrustedRoot, form: Any, change: bool) -> None:
        if change:
            return super().save_model(request, obj, form, change)
        created = registry.add_trusted_root(form.cleaned_data["certificate_file"].read(), name=obj.name)
        created.is_active = obj.is_active
        created.save(update_fields=["is_active"])
        obj.pk = created.pk
        obj.refresh_from_db()


@admin.register(SignatureRecord)
class SignatureRecordAdmin(admin.ModelAdmin):
    list_display = ("signed_at", "purpose", "level", "certificate", "related_type", "related_id")
    list_filter = ("purpose", "level")
    search_fields = ("related_id", "document_sha256")
    readonly_fields = [field.name for field in SignatureRecord._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
