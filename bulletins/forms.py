"""Forms of the officers' admin and the commune inbox."""

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from tenants.models import Unit

from . import services
from .models import AttachmentKind, Bulletin, Channel

MAX_ATTACHMENT_BYTES = settings.BULLETINS_MAX_ATTACHMENT_BYTES
# Allowed extensions and the MIME types their content must sniff as.
ALLOWED = {
    AttachmentKind.DOCUMENT: {
        "pdf": {"application/pdf"},
        "docx": {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/zip",
        },
        "doc": {"application/msword", "application/x-ole-storage", "application/x-cfb"},
        "odt": {"application/vnd.oasis.opendocument.text", "application/zip"},
    },
    AttachmentKind.IMAGE: {
        "jpg": {"image/jpeg"},
        "jpeg": {"image/jpeg"},
        "png": {"image/png"},
        "webp": {"image/webp"},
    },
    AttachmentKind.AUDIO: {
        "mp3": {"audio/mpeg"},
        "ogg": {"audio/ogg"},
        "wav": {"audio/x-wav", "audio/wav"},
        "m4a": {"audio/mp4", "audio/m4a", "video/mp4"},
    },
}


def classify_upload(upload):
    """(kind, error): the attachment kind, or a Vietnamese error message."""
    name = upload.name
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size > MAX_ATTACHMENT_BYTES:
        return None, (
            f"Tệp «{name}» quá lớn ({upload.size // (1 << 20)} MB); "
            f"tối đa {MAX_ATTACHMENT_BYTES // (1 << 20)} MB."
        )
    for kind, extensions in ALLOWED.items():
        if ext in extensions:
            head = upload.read(8192)
            upload.seek(0)
            guess = filetype.guess(head)
            if guess is None or guess.mime not in extensions[ext]:
                return None, (
                    f"Nội dung tệp «{name}» không đúng định dạng .{ext}. "
                    "Hãy kiểm tra lại tệp."
                )
            return kind, None
    allowed = ", ".join(sorted({e for exts in ALLOWED.values() for e in exts}))
    return None, f"Không nhận tệp «{name}»: chỉ nhận các định dạng {allowed}."


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class BulletinForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label="Kênh",
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Channel.WEB],
    )
    attachments = MultipleFileField(
        label="Tệp đính kèm (văn bản, hình ảnh, âm thanh)", required=False
    )

    class Meta:
        model = Bulletin
        fields = [
            "title",
            "body",
            "category",
            "priority",
            "channels",
            "target_mode",
            "target_root",
            "target_units",
            "valid_from",
            "valid_until",
            "language",
        ]
        widgets = {
            "target_mode": forms.RadioSelect,
            "target_units": forms.CheckboxSelectMultiple,
            "valid_from": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "valid_until": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "body": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["valid_from"].initial = timezone.localtime().strftime(
            "%Y-%m-%dT%H:%M"
        )
        below = services.units_below(scope).order_by("path")
        roots = below.exclude(kind__in=services.COMMUNE_KINDS)
        if scope is not None:
            roots = Unit.objects.filter(pk=services.reach(scope).pk) | roots
        # Validation accepts any unit, so a unit outside the scope gets a
        # clear refusal instead of "invalid choice"; the lists show the scope.
        every = Unit.objects.exclude(schema_name="public")
        self.fields["target_root"].queryset = every
        self.fields["target_units"].queryset = every
        self.fields["target_root"].widget.choices = [("", "---------")] + [
            (u.pk, str(u)) for u in roots.order_by("path")
        ]
        self.fields["target_units"].widget.choices = [(u.pk, str(u)) for u in below]

    def clean_attachments(self):
        uploads = self.cleaned_data.get("attachments") or []
        errors, self.classified = [], []
        for upload in uploads:
            kind, error = classify_upload(upload)
            if error:
                errors.append(error)
            else:
                self.classified.append((upload, kind))
        if errors:
            raise ValidationError(errors)
        return uploads

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end <= start:
            self.add_error(
                "valid_until", "Thời điểm hết hiệu lực phải sau lúc bắt đầu."
            )
        mode = data.get("target_mode")
        if mode:
            try:
                services.check_targets(
                    scope=self.scope,
                    target_mode=mode,
                    target_root=data.get("target_root"),
                    target_units=list(data.get("target_units") or []),
                )
            except ValidationError as error:
                field = "target_root" if mode == "subtree" else "target_units"
                self.add_error(field, error)
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Lý do từ chối",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Hãy ghi lý do từ chối."},
    )
