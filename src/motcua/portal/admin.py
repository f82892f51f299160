"""Admin: e-form definitions (checked as JSON Schema) and the agency's answers to feedback."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from jsonschema.exceptions import SchemaError

from motcua.core.errors import DomainError
from motcua.portal import aftercare, eforms, feedback_deadlines
from motcua.portal.models import EForm, Feedback, Rating


class EFormForm(forms.ModelForm):
    class Meta:
        model = EForm
        fields = ["procedure_code", "title", "schema", "ui"]

    def clean_schema(self) -> Any:
        schema = self.cleaned_data["schema"]
        try:
            eforms.check_definition(schema)
        except SchemaError as exc:
            raise forms.ValidationError(_("JSON Schema không hợp lệ: %(m)s") % {"m": exc.message}) from exc
        if not isinstance(schema, dict) or schema.get("type") != "object":
            raise forms.ValidationError(_("Biểu mẫu phải là một đối tượng (type: object)."))
        return schema


@admin.register(EForm)
class EFormAdmin(admin.ModelAdmin):
    form = EFormForm
    list_display = ["procedure_code", "title"]
    search_fields = ["procedure_code", "title"]


class FeedbackDeadlineFilter(admin.SimpleListFilter):
    """Officials find what is late first (PTL-FB-02)."""

    title = _("thời hạn trả lời")
    parameter_name = "han"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, Any]]:
        return [("qua-han", _("Quá hạn (chưa trả lời hoặc trả lời muộn)")), ("cho-tra-loi", _("Chưa trả lời"))]

    def queryset(self, request: Any, queryset: Any) -> Any:
        if self.value() == "qua-han":
            return feedback_deadlines.overdue(queryset)
        if self.value() == "cho-tra-loi":
            return queryset.filter(answered_at__isnull=True)
        return queryset


class FeedbackForm(forms.ModelForm):
    """What the agency does with a feedback: answer it, ask the sender for more, or refuse it."""

    step = forms.ChoiceField(
        label=_("xử lý"),
        choices=[
            ("answer", _("Trả lời")),
            ("request_info", _("Đề nghị bổ sung thông tin")),
            ("refuse", _("Từ chối tiếp nhận")),
        ],
        initial="answer",
        help_text=_("Nội dung ở ô trả lời được gửi cho người phản ánh (lý do từ chối, thông tin cần bổ sung)."),
    )

    class Meta:
        model = Feedback
        fields = ["answer", "published"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    form = FeedbackForm
    list_display = ["number", "subject", "status", "created_at", "answer_due_at", "overdue", "published"]
    list_filter = [FeedbackDeadlineFilter, "status", "published"]
    search_fields = ["number", "subject"]
    ordering = [F("answered_at").asc(nulls_first=True), "answer_due_at"]  # unanswered first, most urgent on top
    readonly_fields = [
        "number",
        "sender_name",
        "sender_email",
        "dossier_code",
        "subject",
        "content",
        "allow_publication",
        "created_at",
        "refuse_due_at",
        "request_info_due_at",
        "answer_due_at",
        "answered_at",
        "publish_due_at",
        "published_at",
        "info_requested_at",
        "refused_at",
        "status",
        "overdue",
    ]
    fields = [*readonly_fields, "step", "answer", "published"]

    @admin.display(description=_("quá hạn"), boolean=True)
    def overdue(self, obj: Feedback) -> bool:
        return feedback_deadlines.is_overdue(obj) or feedback_deadlines.is_publication_overdue(obj)

    def save_model(self, request: Any, obj: Feedback, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        current = Feedback.objects.get(pk=obj.pk)
        step = form.cleaned_data.get("step", "answer")
        try:
            if step == "refuse":
                aftercare.refuse_feedback(current, obj.answer)
            elif step == "request_info":
                aftercare.request_feedback_info(current, obj.answer)
            elif obj.answer:
                aftercare.answer_feedback(current, obj.answer, obj.published)
        except DomainError as exc:
            messages.error(request, str(exc.message))


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["dossier", "overall", "created_at"]
    list_filter = ["overall"]
