"""Forms of the unit's admin (Vietnamese): programs, schedules, emergency."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from base.choices import Priority

from .models import (
    WEEKDAYS,
    Program,
    ProgramKind,
    Schedule,
    ScheduleKind,
    SpeakerCluster,
)
from .speech import tts

TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ProgramForm(forms.Form):
    title = forms.CharField(label="Tiêu đề", max_length=255)
    kind = forms.ChoiceField(
        label="Nguồn âm thanh",
        choices=[
            ("tts", "Chuyển văn bản thành giọng nói"),
            ("audio", "Tải lên tệp âm thanh"),
        ],
        initial="tts",
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label="Ngôn ngữ", choices=settings.LANGUAGES, initial="vi"
    )
    voice = forms.ChoiceField(label="Giọng đọc", required=False)
    text = forms.CharField(
        label="Nội dung đọc",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"Tối đa {settings.BROADCAST_TTS_MAX_CHARS:,} ký tự; số, ngày, "
        "giờ và chữ viết tắt được đọc thành lời.".replace(",", "."),
    )
    audio = forms.FileField(
        label="Tệp âm thanh",
        required=False,
        help_text="MP3, WAV, OGG, M4A… được kiểm tra và đo thời lượng.",
    )
    public = forms.BooleanField(
        label="Đăng lên trang Nghe lại sau khi phát", required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for code, _name in settings.LANGUAGES:
            choices += tts.voice_choices(code)
        self.fields["voice"].choices = [("", "Mặc định theo ngôn ngữ"), *choices]

    def clean(self):
        data = super().clean()
        if data.get("kind") == "tts":
            text = data.get("text") or ""
            try:
                tts.check_text(text)
            except ValidationError as exc:
                self.add_error("text", exc)
        elif not data.get("audio"):
            self.add_error("audio", "Hãy chọn tệp âm thanh để tải lên.")
        return data


def parse_times(value):
    times = []
    for part in re.split(r"[,;\s]+", value or ""):
        if not part:
            continue
        match = TIME_RE.match(part)
        if not match:
            raise ValidationError(
                f"“{part}” không phải giờ hợp lệ; viết dạng 06:00, 17:30."
            )
        times.append(f"{int(match[1]):02d}:{match[2]}")
    return sorted(set(times))


class ScheduleForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label="Các ngày trong tuần",
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Để trống = mọi ngày.",
    )
    times = forms.CharField(
        label="Các giờ phát",
        required=False,
        help_text="Ví dụ: 06:00, 17:30 (lịch lặp lại).",
    )
    start_at = forms.DateTimeField(
        label="Phát lúc (lịch một lần)",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )

    class Meta:
        model = Schedule
        fields = [
            "program",
            "priority",
            "kind",
            "start_at",
            "weekdays",
            "times",
            "valid_from",
            "valid_until",
            "target_units",
            "target_clusters",
            "position",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "priority": forms.RadioSelect,
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
            "target_units": forms.CheckboxSelectMultiple,
            "target_clusters": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        if self.instance.pk and isinstance(self.initial.get("times"), list):
            self.initial["times"] = ", ".join(self.initial["times"])  # as typed
        subtree = unit.descendants(include_self=True)
        # A stream's program plays only while its stream is on the air.
        self.fields["program"].queryset = Program.objects.filter(unit=unit).exclude(
            kind=ProgramKind.STREAM
        )
        self.fields["target_units"].queryset = subtree.order_by("path")
        self.fields["target_clusters"].queryset = SpeakerCluster.objects.filter(
            unit__in=subtree, is_active=True
        )
        self.fields["priority"].help_text = (
            "Theo Thông tư 39/2020/TT-BTTTT: khẩn cấp ngắt mọi chương trình đang "
            "phát và phát cả ngoài giờ; ưu tiên được phát trước."
        )
        self.fields[
            "position"
        ].help_text = "Thứ tự giữa các chương trình cùng mức ưu tiên, cùng giờ."

    confirm_hours = forms.BooleanField(
        label="Vẫn lưu lịch này dù có cụm loa ngoài giờ bật",
        required=False,
        help_text="Cụm loa ngoài giờ bật/tắt không phát chương trình bình "
        "thường và ưu tiên (chỉ khẩn cấp phát mọi lúc).",
    )

    def clean_times(self):
        return parse_times(self.cleaned_data.get("times"))

    def hours_warning(self, data):
        """Clusters that would not play at one of the schedule's times
        (outside their on/off hours), as a sentence; "" when all would."""
        from django.utils import timezone

        if data.get("priority") == Priority.EMERGENCY:
            return ""
        moments = []
        if data.get("kind") == ScheduleKind.ONCE and data.get("start_at"):
            moments.append(timezone.localtime(data["start_at"]))
        for text in data.get("times") or []:
            hour, minute = (int(x) for x in text.split(":"))
            moments.append(timezone.localtime().replace(hour=hour, minute=minute))
        if not moments:
            return ""
        clusters = set(data.get("target_clusters") or [])
        for unit in data.get("target_units") or []:
            clusters.update(
                SpeakerCluster.objects.filter(
                    unit__in=unit.descendants(include_self=True), is_active=True
                )
            )
        asleep = sorted(
            {
                f"{c.name} ({c.on_time:%H:%M}–{c.off_time:%H:%M})"
                for c in clusters
                for at in moments
                if not c.in_hours(at)
            }
        )
        if not asleep:
            return ""
        shown = ", ".join(asleep[:5]) + (" …" if len(asleep) > 5 else "")
        return (
            f"{len(asleep)} cụm loa ngoài giờ bật vào giờ phát này và sẽ không "
            f"phát: {shown}. Đổi giờ phát, đổi giờ bật/tắt của cụm loa, hoặc "
            "đánh dấu “Vẫn lưu lịch này…” để lưu."
        )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("confirm_hours"):
            warning = self.hours_warning(data)
            if warning:
                self.add_error("confirm_hours", warning)
        kind = data.get("kind")
        if kind == ScheduleKind.ONCE and not data.get("start_at"):
            self.add_error("start_at", "Lịch một lần cần thời điểm phát.")
        if (
            kind == ScheduleKind.RECURRING
            and not data.get("times")
            and "times" not in self.errors  # already told what is wrong
        ):
            self.add_error("times", "Lịch lặp lại cần ít nhất một giờ phát.")
        if not data.get("target_units") and not data.get("target_clusters"):
            raise ValidationError("Chọn ít nhất một đơn vị hoặc một cụm loa nhận.")
        if (
            data.get("valid_from")
            and data.get("valid_until")
            and data["valid_until"] < data["valid_from"]
        ):
            self.add_error("valid_until", "Ngày kết thúc phải sau ngày bắt đầu.")
        return data

    def save(self, commit=True):
        schedule = super().save(commit=False)
        schedule.unit = self.unit
        if commit:
            schedule.save()
            self.save_m2m()
        return schedule


class ProgramEditForm(forms.ModelForm):
    """What can change once a program exists: its title and whether it is
    listed for listening back. The sound itself is what was synthesised or
    uploaded (and maybe already aired): make a new program to change it."""

    class Meta:
        model = Program
        fields = ["title", "public"]

    def clean_title(self):
        title = " ".join((self.cleaned_data.get("title") or "").split())
        if not title:
            raise ValidationError("Nhập tiêu đề chương trình.")
        return title


class EmergencyForm(forms.Form):
    program = forms.ModelChoiceField(
        label="Chương trình đã có",
        queryset=Program.objects.none(),
        required=False,
        empty_label="— Soạn nội dung mới bên dưới —",
    )
    title = forms.CharField(label="Tiêu đề", max_length=255, required=False)
    text = forms.CharField(
        label="Nội dung đọc ngay",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(unit=unit).exclude(
            audio=""
        )

    def clean(self):
        data = super().clean()
        if not data.get("program"):
            if not (data.get("title") or "").strip():
                self.add_error("title", "Nhập tiêu đề hoặc chọn chương trình đã có.")
            try:
                tts.check_text(data.get("text") or "")
            except ValidationError as exc:
                self.add_error("text", exc)
        return data


PRIORITY_LABELS = dict(Priority.choices)


DEVICE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")


class ClusterAddForm(forms.ModelForm):
    """A new cluster: what the installer reads off the controller (its id)
    and where it stands. Credentials are made on save and shown once."""

    device_id = forms.CharField(
        label="Mã thiết bị",
        max_length=64,
        help_text="Mã in trên bộ điều khiển (chữ thường, số, dấu gạch ngang; "
        "3–64 ký tự), ví dụ cl-31573-0001. Dùng làm tên đăng nhập MQTT.",
    )

    class Meta:
        model = SpeakerCluster
        fields = [
            "name",
            "hamlet_ref",
            "device_id",
            "volume",
            "on_time",
            "off_time",
            "has_fm_fallback",
        ]
        labels = {"hamlet_ref": "Ấp/khóm/tổ dân phố"}
        help_texts = {"on_time": "Giờ bật = giờ tắt: phát cả ngày."}

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        from tenants.services import hamlets_of

        self.fields["hamlet_ref"].queryset = (
            hamlets_of(unit) if unit is not None else self.fields["hamlet_ref"].queryset
        )
        self.fields["hamlet_ref"].required = False

    def clean_device_id(self):
        value = (self.cleaned_data.get("device_id") or "").strip().lower()
        if not DEVICE_ID_RE.match(value):
            raise ValidationError(
                "Mã thiết bị gồm chữ thường không dấu, số và dấu gạch ngang, "
                "3–64 ký tự, bắt đầu bằng chữ hoặc số."
            )
        if SpeakerCluster.objects.filter(device_id=value).exists():
            raise ValidationError(
                "Mã thiết bị này đã được đăng ký cho một cụm loa khác."
            )
        return value

    def clean_volume(self):
        volume = self.cleaned_data.get("volume")
        if volume is not None and not 0 <= volume <= 100:
            raise ValidationError("Âm lượng từ 0 đến 100 (%).")
        return volume


class FmForm(forms.Form):
    """Switch a cluster to an FM frequency, or back to the IP network
    (protocol ``fm`` command, acknowledged by the device)."""

    mode = forms.ChoiceField(
        label="Nguồn phát",
        choices=[("fm", "Thu sóng FM"), ("ip", "Mạng IP (tắt FM)")],
        initial="fm",
        widget=forms.RadioSelect,
    )
    frequency = forms.CharField(
        label="Tần số FM (MHz)",
        required=False,
        max_length=10,
        help_text="Từ 87,5 đến 108,0 MHz, bước 0,1; ví dụ 98,5.",
    )

    def clean(self):
        from .services.clusters import fm_frequency

        data = super().clean()
        if data.get("mode") == "fm":
            try:
                data["frequency"] = fm_frequency(data.get("frequency"))
            except ValidationError as exc:
                self.add_error("frequency", exc)
        else:
            data["frequency"] = None
        return data
