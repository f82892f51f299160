# mypy: allow-subclassing-any
"""State the officials' screens keep of their own: sign-in throttling, the session epoch behind
"sign out everywhere", and counter-reception drafts whose uploads survive a failed submit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import MD5
from django.utils.translation import gettext_lazy as _


class SignInThrottle(models.Model):
    """Failed sign-ins counted per username (existing or not), so guessing is slowed for every name."""

    username = models.CharField(_("tên đăng nhập"), max_length=150, unique=True)
    failures = models.PositiveIntegerField(_("số lần sai liên tiếp"), default=0)
    last_failure_at = models.DateTimeField(_("lần sai gần nhất"), null=True, blank=True)
    locked_until = models.DateTimeField(_("khóa đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("theo dõi đăng nhập sai")
        verbose_name_plural = _("theo dõi đăng nhập sai")

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"


class SessionEpoch(models.Model):
    """Bumped by "sign out everywhere": a session signed in under an older epoch is ended."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workspace_epoch")
    epoch = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("phiên đăng nhập của cán bộ")
        verbose_name_plural = _("phiên đăng nhập của cán bộ")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.epoch}"


class ReceptionDraft(models.Model):
    """A counter reception in progress, keyed by the form's idempotency key (one per form opened)."""

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bản nháp tiếp nhận")
        verbose_name_plural = _("bản nháp tiếp nhận")

    def __str__(self) -> str:
        return self.key


class DraftFile(models.Model):
    """One file already uploaded to a draft, for one required document (kept until the dossier exists)."""

    draft = models.ForeignKey(ReceptionDraft, on_delete=models.CASCADE, related_name="files")
    # The required document's code, or its name when it has none (names can be long texts).
    document_code = models.TextField()
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to="workspace/drafts/%Y/%m/", max_length=300)
    size = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("tệp của bản nháp")
        verbose_name_plural = _("tệp của bản nháp")
        constraints = [
            # On a hash: a document's name may be longer than a B-tree index entry allows.
            models.UniqueConstraint("draft", MD5("document_code"), name="draft_file_one_per_document"),
        ]

    def __str__(self) -> str:
        return self.filename


class SecondFactor(models.Model):
    """An official's TOTP (RFC 6238) secret, usable once confirmed with a first code."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workspace_totp")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last time step accepted: a code is never accepted twice (replay).
    last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("xác thực hai lớp")
        verbose_name_plural = _("xác thực hai lớp")

    def __str__(self) -> str:
        return str(self.user_id)


class PasswordHistory(models.Model):
    """Hashes of an official's earlier passwords (no reuse) and when each change happened (expiry)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("lịch sử mật khẩu")
        verbose_name_plural = _("lịch sử mật khẩu")
        indexes = [models.Index(fields=["user", "-changed_at"], name="ws_password_history_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.changed_at:%Y-%m-%d}"
