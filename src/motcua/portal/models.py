"""What the portal keeps of its own: citizen profiles, e-form definitions, drafts, the link from an
account to the dossiers it filed, ratings (OS-EVAL-03/04), delivery choices and feedback (PTL-FB-01).

Everything about a dossier itself (state, deadlines, files) lives in the dossiers app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    """A citizen's own data, used to prefill forms (PTL-SUB-03)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_profile")
    full_name = models.CharField(_("họ và tên"), max_length=300, blank=True)
    id_number = models.CharField(_("số định danh cá nhân"), max_length=20, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    email_verified = models.BooleanField(_("đã xác thực thư điện tử"), default=False)
    # The national identity provider's subject (PTL-AUTH-01): one account per person there.
    oidc_subject = models.CharField(max_length=255, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("hồ sơ công dân")
        verbose_name_plural = _("hồ sơ công dân")

    def __str__(self) -> str:
        return self.full_name or str(self.user_id)


class EForm(models.Model):
    """The e-form of a procedure (PTL-SUB-04): a JSON Schema plus UI hints, per procedure code.

    `ui` holds `order` (field names in display order) and per-field hints (`widget`, `help`).
    """

    procedure_code = models.CharField(_("mã thủ tục"), max_length=60, unique=True)
    title = models.CharField(_("tên biểu mẫu"), max_length=300)
    schema = models.JSONField(_("JSON Schema"))
    ui = models.JSONField(_("gợi ý hiển thị"), default=dict, blank=True)

    class Meta:
        verbose_name = _("biểu mẫu điện tử")
        verbose_name_plural = _("biểu mẫu điện tử")

    def __str__(self) -> str:
        return self.title


class Draft(models.Model):
    """An unfinished online filing: form data and checked files, resumable until submitted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_drafts")
    procedure_code = models.CharField(max_length=60)
    agency_code = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Sent with the final submit; the dossier intake returns the same dossier for the same key.
    idempotency_key = models.CharField(max_length=100, unique=True)
    submitted_code = models.CharField(max_length=60, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The declaration PDF shown on the review page, kept for the submit while the answers that made
    # it (their digest) are unchanged.
    declaration = models.FileField(upload_to="portal/drafts/", blank=True)
    declaration_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.procedure_code} #{self.pk}"


class DraftFile(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    document_key = models.CharField(max_length=1000)
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to="portal/drafts/")
    size = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.filename


class Submission(models.Model):
    """The account that filed a dossier online: the owner who may see its timeline (PTL-TRACK-01)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_submissions")
    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="portal_submission")
    form_title = models.CharField(max_length=300, blank=True)
    form_data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="portal_submission_user")]

    def __str__(self) -> str:
        return str(self.dossier_id)


class DeliveryMethod(models.TextChoices):
    ONLINE = "online", _("Tải kết quả điện tử")
    COUNTER = "counter", _("Nhận tại Bộ phận Một cửa")
    POSTAL = "postal", _("Nhận qua dịch vụ bưu chính công ích")


class Delivery(models.Model):
    """How the applicant wants the result (OS-RET-01); the one-stop unit returns it accordingly."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="portal_delivery")
    method = models.CharField(_("hình thức nhận kết quả"), max_length=10, choices=DeliveryMethod.choices)
    address = models.CharField(_("địa chỉ nhận"), max_length=500, blank=True)
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hình thức nhận kết quả")
        verbose_name_plural = _("hình thức nhận kết quả")

    def __str__(self) -> str:
        return str(self.method)


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    DISSATISFIED = "dissatisfied", _("Không hài lòng")


class Rating(models.Model):
    """One rating per dossier (OS-EVAL-04) over the citizen criteria of OS-EVAL-03."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="portal_rating")
    overall = models.CharField(_("mức độ hài lòng chung"), max_length=20, choices=Satisfaction.choices)
    criteria = models.JSONField(_("đánh giá theo tiêu chí"), default=dict)
    comment = models.TextField(_("ý kiến"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đánh giá hài lòng")
        verbose_name_plural = _("đánh giá hài lòng")

    def __str__(self) -> str:
        return str(self.overall)


class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    INFO_REQUESTED = "info_requested", _("Đề nghị bổ sung thông tin")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    ANSWERED = "answered", _("Đã trả lời")


class Feedback(models.Model):
    """Phản ánh, kiến nghị (PTL-FB-01): tracked by number; the agency answers; publication optional."""

    number = models.CharField(_("số theo dõi"), max_length=30, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sender_name = models.CharField(_("người gửi"), max_length=300)
    sender_email = models.EmailField(_("thư điện tử"), blank=True)
    dossier_code = models.CharField(_("mã hồ sơ liên quan"), max_length=60, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=300)
    content = models.TextField(_("nội dung"))
    allow_publication = models.BooleanField(_("đồng ý công khai"), default=False)
    status = models.CharField(_("trạng thái"), max_length=20, choices=FeedbackStatus.choices, default="received")
    answer = models.TextField(_("trả lời của cơ quan"), blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    published = models.BooleanField(_("công khai câu trả lời"), default=False)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    # Time limits in working days (PTL-FB-02), fixed at receipt / at the answer by feedback_deadlines.
    refuse_due_at = models.DateTimeField(_("hạn từ chối tiếp nhận"), null=True, blank=True)
    request_info_due_at = models.DateTimeField(_("hạn đề nghị bổ sung thông tin"), null=True, blank=True)
    answer_due_at = models.DateTimeField(_("hạn trả lời"), null=True, blank=True, db_index=True)
    publish_due_at = models.DateTimeField(_("hạn công khai"), null=True, blank=True)
    refused_at = models.DateTimeField(_("từ chối lúc"), null=True, blank=True)
    info_requested_at = models.DateTimeField(_("đề nghị bổ sung lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("công khai lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number
