"""The admin form of a Zalo OA: credentials are written, never shown back."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

KEEP = "Để trống để giữ giá trị đã lưu (không hiển thị lại)."


class ZaloAccountForm(WagtailAdminModelForm):
    secret_key = forms.CharField(
        label="Khóa bí mật của ứng dụng (secret key)",
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )
    refresh_token = forms.CharField(
        label="Mã làm mới (refresh token) của OA",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Lấy khi cấp quyền cho ứng dụng trên Zalo for Developers; hệ "
        "thống tự làm mới mã truy cập.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("secret_key", "refresh_token"):
                self.fields[name].help_text = KEEP

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            for name in ("secret_key", "refresh_token"):
                if not data.get(name):
                    self.add_error(name, "Vui lòng nhập mục này.")
        return data

    def save(self, commit=True):
        for name in ("secret_key", "refresh_token"):
            value = (self.cleaned_data.get(name) or "").strip()
            if value:
                setattr(self.instance, name, value)
                if name == "refresh_token":  # a new grant: a new access token
                    self.instance.access_token = ""
                    self.instance.token_expires_at = None
        return super().save(commit=commit)
