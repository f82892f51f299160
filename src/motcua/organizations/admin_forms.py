"""Admin forms: previous identifiers edited one per line, and an official created with its account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from motcua.organizations.models import Agency, Official


class AgencyAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    previous_codes_text = forms.CharField(
        label=_("Mã định danh cũ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 40}),
        help_text=_(
            "Mỗi dòng một mã. Khi đổi mã định danh, mã đang dùng được tự động chuyển vào đây để văn bản, "
            "hồ sơ cũ vẫn tra cứu được."
        ),
    )

    class Meta:
        model = Agency
        fields = [
            "code", "is_external", "name", "short_name", "kind", "level", "parent", "admin_unit",
            "is_one_stop_unit", "email", "phone", "address", "valid_from", "valid_to", "successor",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["previous_codes_text"].initial = "\n".join(self.instance.previous_codes or [])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        codes = [line.strip() for line in (cleaned.get("previous_codes_text") or "").splitlines() if line.strip()]
        new_code = (cleaned.get("code") or "").strip()
        # ORG-06: an identifier that is replaced stays as an alias (the instance still has the old one here).
        old_code = self.instance.code if self.instance.pk else ""
        if old_code and new_code and old_code != new_code and old_code not in codes:
            codes.append(old_code)
        self.instance.previous_codes = [c for c in codes if c != new_code]
        return cleaned


class OfficialCreationForm(forms.ModelForm):  # type: ignore[type-arg]
    """Creates the sign-in account together with the official."""

    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    password1 = forms.CharField(label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False, widget=forms.PasswordInput)

    class Meta:
        model = Official
        fields = ["full_name", "title", "agency", "department", "phone", "is_active"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Tên đăng nhập này đã được dùng."))
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        elif first:
            user = get_user_model()(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def save(self, commit: bool = True) -> Official:
        # The admin saves with commit=False inside its transaction; the account is created here so
        # the official row can point at it.
        user = get_user_model().objects.create_user(
            username=self.cleaned_data["username"],
            email=self.cleaned_data.get("email", ""),
            password=self.cleaned_data["password1"],
        )
        self.instance.user = user
        return super().save(commit=commit)
