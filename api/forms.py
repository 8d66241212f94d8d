"""The admin form of an API key: name and rate; on edit, a way to revoke."""

from django import forms
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm


class ApiKeyForm(WagtailAdminModelForm):
    revoke = forms.BooleanField(
        label="Thu hồi khóa này",
        required=False,
        help_text="Khóa bị thu hồi không dùng lại được; ứng dụng dùng khóa sẽ "
        "nhận lỗi 403. Cần khóa mới thì tạo khóa mới.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["revoke"]
        elif self.instance.is_revoked:
            self.fields["revoke"].initial = True
            self.fields["revoke"].disabled = True

    def save(self, commit=True):
        if self.cleaned_data.get("revoke") and self.instance.revoked_at is None:
            self.instance.revoked_at = timezone.now()
        return super().save(commit=commit)
