"""Public forms of a unit's site."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm

from base.uploads import UploadValidator


class ContactForm(forms.Form):
    name = forms.CharField(
        label="Họ và tên",
        max_length=150,
        error_messages={"required": "Vui lòng nhập họ và tên."},
    )
    phone = forms.CharField(label="Điện thoại", max_length=40, required=False)
    email = forms.EmailField(
        label="Thư điện tử",
        required=False,
        error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."},
    )
    message = forms.CharField(
        label="Nội dung",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Vui lòng nhập nội dung cần liên hệ."},
    )
    # A field people never see; robots fill it in.
    website = forms.CharField(
        label="Để trống ô này",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError("Không gửi được thư. Vui lòng thử lại.")
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(
                "Vui lòng để lại số điện thoại hoặc thư điện tử để chúng tôi trả lời."
            )
        data.pop("website", None)
        return data


class CheckedDocumentForm(BaseDocumentForm):
    """Wagtail's document form (``WAGTAILDOCS_DOCUMENT_FORM_BASE``) with the
    file's content checked against the document allow-list (base.uploads):
    a page of HTML renamed ``.pdf`` is refused in Vietnamese."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            UploadValidator("document")(upload)
        return upload
