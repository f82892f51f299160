"""Admin: e-form definitions (checked as JSON Schema) and the agency's answers to feedback."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from jsonschema.exceptions import SchemaError

from motcua.portal import aftercare, eforms
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


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["number", "subject", "status", "created_at", "published"]
    list_filter = ["status", "published"]
    search_fields = ["number", "subject"]
    readonly_fields = [
        "number",
        "sender_name",
        "sender_email",
        "dossier_code",
        "subject",
        "content",
        "allow_publication",
        "created_at",
        "answered_at",
        "status",
    ]
    fields = [*readonly_fields, "answer", "published"]

    def save_model(self, request: Any, obj: Feedback, form: Any, change: bool) -> None:
        if change and obj.answer:
            aftercare.answer_feedback(obj, obj.answer, obj.published)
        else:
            super().save_model(request, obj, form, change)


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["dossier", "overall", "created_at"]
    list_filter = ["overall"]
