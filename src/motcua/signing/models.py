"""Certificate registry (SIG-10, ORG-08), trusted roots, and the record of signatures made."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateKind(models.TextChoices):
    AGENCY = "agency", _("Tổ chức (cơ quan)")
    PERSONAL = "personal", _("Cá nhân")


class KeyStore(models.TextChoices):
    NONE = "none", _("Không có khoá trên máy chủ")
    PKCS12 = "pkcs12", _("Tệp PKCS#12")
    PKCS11 = "pkcs11", _("Thiết bị PKCS#11 (HSM, token)")


class Certificate(models.Model):
    """A signing certificate of an agency or an official, and where its private key lives.
    Passwords and PINs are never stored: only the name of the environment variable or secret file."""

    kind = models.CharField(_("loại"), max_length=10, choices=CertificateKind.choices)
    agency = models.ForeignKey(
        "organizations.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="certificates"
    )
    official = models.ForeignKey(
        "organizations.Official",
        verbose_name=_("cán bộ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    subject = models.CharField(_("chủ thể"), max_length=500)
    common_name = models.CharField(_("tên chủ thể"), max_length=255, blank=True)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500)
    serial = models.CharField(_("số hiệu"), max_length=80)
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"), db_index=True)
    der = models.BinaryField(_("chứng thư (DER)"))
    key_store = models.CharField(_("nơi giữ khoá"), max_length=10, choices=KeyStore.choices, default=KeyStore.NONE)
    pkcs12_path = models.CharField(_("đường dẫn tệp PKCS#12"), max_length=500, blank=True)
    pkcs11_module = models.CharField(_("thư viện PKCS#11"), max_length=500, blank=True)
    pkcs11_token = models.CharField(_("nhãn thiết bị"), max_length=100, blank=True)
    pkcs11_key = models.CharField(_("nhãn khoá"), max_length=100, blank=True)
    pkcs11_cert = models.CharField(_("nhãn chứng thư trên thiết bị"), max_length=100, blank=True)
    secret_env = models.CharField(_("biến môi trường chứa mật khẩu/PIN"), max_length=100, blank=True)
    secret_file = models.CharField(_("tệp bí mật chứa mật khẩu/PIN"), max_length=100, blank=True)
    seal_image = models.ImageField(_("ảnh con dấu (PNG trong suốt, màu đỏ)"), upload_to="seals/", blank=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chứng thư số")
        verbose_name_plural = _("chứng thư số")
        ordering = ["agency_id", "kind", "common_name"]
        indexes = [models.Index(fields=["agency", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="agency") | models.Q(official__isnull=False),
                name="signing_personal_certificate_has_official",
            )
        ]

    def __str__(self) -> str:
        return f"{self.common_name or self.subject} ({self.serial})"


class TrustedRoot(models.Model):
    """A root the administrator trusts for verification (for example the government's specialised
    CA); kept in the application, not in the operating system's store (SIG-10)."""

    name = models.CharField(_("tên"), max_length=255)
    subject = models.CharField(_("chủ thể"), max_length=500, editable=False)
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True, editable=False)
    not_after = models.DateTimeField(_("hiệu lực đến"), editable=False)
    der = models.BinaryField(_("chứng thư (DER)"))
    is_demo = models.BooleanField(_("CA thử nghiệm"), default=False)
    is_active = models.BooleanField(_("đang tin cậy"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chứng thư gốc tin cậy")
        verbose_name_plural = _("chứng thư gốc tin cậy")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SignatureRecord(models.Model):
    """One signature the platform applied: who, with which certificate, on what, at which level."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="signatures")
    purpose = models.CharField(_("mục đích"), max_length=30)  # signer, agency, attachment, form
    level = models.CharField(_("mức PAdES"), max_length=5)
    document_sha256 = models.CharField(_("SHA-256 tài liệu đã ký"), max_length=64, db_index=True)
    related_type = models.CharField(max_length=60, blank=True)
    related_id = models.CharField(max_length=40, blank=True)
    signed_at = models.DateTimeField(_("ký lúc"), db_index=True)

    class Meta:
        verbose_name = _("lần ký")
        verbose_name_plural = _("lần ký")
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"{self.purpose} {self.level} {self.signed_at:%Y-%m-%d %H:%M}"
