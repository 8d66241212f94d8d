"""Admin forms: every choice limited to the current unit; LED limits checked."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from wagtail.admin.forms import WagtailAdminModelForm

from base.uploads import UploadValidator
from tenants.services import current_unit

from . import services
from .models import Board, BoardGroup, Playlist, SlideKind


class UnitScopedForm(WagtailAdminModelForm):
    """Foreign keys and many-to-many choices show only the unit's own rows."""

    scoped = {
        "playlist": Playlist,
        "default_playlist": Playlist,
        "boards": Board,
        "groups": BoardGroup,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit = current_unit()
        for name, model in self.scoped.items():
            if name in self.fields:
                self.fields[name].queryset = model.objects.filter(unit=unit)


class BoardForm(UnitScopedForm):
    """Power and brightness may be left as they are (their defaults)."""

    optional = ("power", "brightness", "off_level", "layout")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.optional:
            if name in self.fields:
                self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        for name in self.optional:
            if name in self.fields and cleaned.get(name) in (None, ""):
                field = self._meta.model._meta.get_field(name)
                current = getattr(self.instance, name, None)
                cleaned[name] = current if self.instance.pk else field.get_default()
        return cleaned


class BoardGroupForm(UnitScopedForm):
    """A group may hold boards of this unit and of every unit below it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit = current_unit()
        if unit is not None and "boards" in self.fields:
            self.fields["boards"].subtree = True  # base.admin.scope_choices
            self.fields["boards"].queryset = (
                Board.objects.filter(unit__in=unit.descendants(include_self=True))
                .select_related("unit")
                .order_by("unit__path", "name")
            )


def _checked(upload, kind):
    if isinstance(upload, UploadedFile):
        UploadValidator(kind)(upload)
    return upload


class LedTextMixin:
    """Text that cannot fit the unit's smallest LED board is refused here,
    with the limit in the message, instead of being cut on the street."""

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind", SlideKind.TEXT)
        if kind == SlideKind.VIDEO:
            return cleaned
        problem = services.led_text_problem(
            current_unit(), cleaned.get("title") or "", cleaned.get("body") or ""
        )
        if problem:
            self.add_error("body" if "body" in self.fields else None, problem)
        return cleaned


class SlideForm(LedTextMixin, UnitScopedForm):
    # The player and the unit's admin share an origin: a "video" must be a
    # video, an image an image (base.uploads sniffs the content).
    def clean_video(self):
        return _checked(self.cleaned_data.get("video"), "video")

    def clean_image(self):
        return _checked(self.cleaned_data.get("image"), "image")

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == SlideKind.IMAGE and not cleaned.get("image"):
            self.add_error("image", "Trang loại hình ảnh cần có ảnh.")
        if kind == SlideKind.VIDEO and not cleaned.get("video"):
            self.add_error("video", "Trang loại video cần có tệp video.")
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until <= valid_from:
            self.add_error(
                "valid_until", "Thời điểm hết hiệu lực phải sau lúc bắt đầu."
            )
        return cleaned


class InterruptForm(LedTextMixin, UnitScopedForm):
    minutes = forms.IntegerField(
        label="Kéo dài (phút)",
        required=False,
        min_value=1,
        max_value=7 * 24 * 60,
        help_text="Để trống và không chọn giờ hết hạn: cho đến khi kết thúc thủ công.",
    )


class ScheduleForm(UnitScopedForm):
    weekdays = forms.TypedMultipleChoiceField(
        label="Các ngày trong tuần",
        required=False,
        coerce=int,
        choices=[
            (1, "Thứ Hai"),
            (2, "Thứ Ba"),
            (3, "Thứ Tư"),
            (4, "Thứ Năm"),
            (5, "Thứ Sáu"),
            (6, "Thứ Bảy"),
            (7, "Chủ nhật"),
        ],
        widget=forms.CheckboxSelectMultiple,
        help_text="Không chọn ngày nào: áp dụng mọi ngày.",
    )


class PairForm(forms.Form):
    code = forms.CharField(
        label="Mã ghép nối hiển thị trên màn hình",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


class PairNewForm(forms.Form):
    """The official at the new screen: the code it shows and a name, or one of
    the unit's pre-registered boards. Kind and resolution come from the screen."""

    code = forms.CharField(
        label="Mã ghép nối hiển thị trên màn hình",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    name = forms.CharField(
        label="Tên bảng",
        max_length=200,
        required=False,
        help_text="Ví dụ: Bảng LED cổng chợ. Bỏ trống nếu chọn bảng đã đăng ký.",
    )
    place = forms.CharField(label="Vị trí đặt", max_length=255, required=False)
    board = forms.ModelChoiceField(
        label="Hoặc bảng đã đăng ký trước",
        queryset=Board.objects.none(),
        required=False,
        empty_label="— Bảng mới —",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = Board.objects.filter(
            unit=current_unit(), token_hash=""
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("board") and not (cleaned.get("name") or "").strip():
            self.add_error(
                "name", "Hãy đặt tên cho bảng mới hoặc chọn một bảng đã đăng ký."
            )
        return cleaned


class InterruptNowForm(forms.Form):
    """The quick "interrupt" action on a board list: all boards, N minutes."""

    title = forms.CharField(label="Tiêu đề", max_length=255)
    body = forms.CharField(label="Nội dung", widget=forms.Textarea, required=False)
    minutes = forms.IntegerField(
        label="Kéo dài (phút)", min_value=1, max_value=7 * 24 * 60, initial=60
    )

    def clean(self):
        cleaned = super().clean()
        problem = services.led_text_problem(
            current_unit(), cleaned.get("title") or "", cleaned.get("body") or ""
        )
        if problem:
            self.add_error("body", problem)
        return cleaned
