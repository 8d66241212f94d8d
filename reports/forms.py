"""Forms of reports (labels and messages in Vietnamese)."""

from django import forms
from django.forms import inlineformset_factory

from . import registry
from .models import Plan, ReportPeriod, Target

MAX_UPLOAD = 5 * 1024 * 1024


def indicator_choices():
    return [(i.key, i.label) for i in registry.indicators()]


class TargetForm(forms.ModelForm):
    indicator = forms.ChoiceField(label="Chỉ tiêu", choices=())

    class Meta:
        model = Target
        fields = ["indicator", "value", "value_max", "deadline", "yearly", "quote"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicator_choices()
        self.fields["value"].error_messages["invalid"] = "Mục tiêu phải là một số."

    def clean(self):
        data = super().clean()
        value, high = data.get("value"), data.get("value_max")
        if value is not None and not 0 <= value <= 100000:
            self.add_error("value", "Mục tiêu phải từ 0 trở lên.")
        if value is not None and high is not None and high < value:
            self.add_error("value_max", "Mục tiêu tối đa nhỏ hơn mục tiêu.")
        return data


TargetFormSet = inlineformset_factory(
    Plan, Target, form=TargetForm, extra=1, can_delete=True
)


class PeriodForm(forms.ModelForm):
    class Meta:
        model = ReportPeriod
        fields = ["title", "starts_on", "ends_on", "deadline", "remind_days"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        data = super().clean()
        start, end, deadline = (
            data.get(k) for k in ("starts_on", "ends_on", "deadline")
        )
        if start and end and end < start:
            self.add_error("ends_on", "Ngày kết thúc trước ngày bắt đầu.")
        if end and deadline and deadline < end:
            self.add_error("deadline", "Hạn nộp phải sau ngày chốt số liệu.")
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="Lý do trả lại", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class RegistryUploadForm(forms.Form):
    file = forms.FileField(label="Tệp Excel (.xlsx)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Hãy chọn tệp Excel dạng .xlsx.")
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("Tệp lớn hơn 5 MB.")
        return upload


class ReportForm(forms.Form):
    """The periodic report: one number field per pre-filled figure, plus the
    three narrative sections."""

    results = forms.CharField(
        label="Kết quả đạt được",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20000,
    )
    difficulties = forms.CharField(
        label="Khó khăn, vướng mắc",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
    )
    proposals = forms.CharField(
        label="Đề xuất, kiến nghị",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.figure_keys = []
        for key, item in (report.computed or {}).items():
            name = f"so_lieu_{key}"
            self.figure_keys.append((key, name))
            self.fields[name] = forms.DecimalField(
                label=item["label"] + (" (%)" if item["percent"] else ""),
                required=False,
                min_value=0,
                max_value=100 if item["percent"] else None,
                decimal_places=2,
                initial=(report.figures or {}).get(key, item["value"]),
                help_text="Số liệu trên hệ thống: "
                + ("—" if item["value"] is None else str(item["value"])),
                error_messages={
                    "invalid": "Hãy nhập một số (dùng dấu chấm cho phần thập phân).",
                    "min_value": "Số liệu không được âm.",
                    "max_value": "Tỷ lệ không quá 100 %.",
                },
            )
        for name in ("results", "difficulties", "proposals"):
            self.fields[name].initial = getattr(report, name)

    def figures(self):
        out = {}
        for key, name in self.figure_keys:
            value = self.cleaned_data.get(name)
            out[key] = float(value) if value is not None else None
        return out


# --- a unit's own registries (its admin) ------------------------------------------


class _UnitRowFormSet(forms.BaseModelFormSet):
    """Rows of one unit; names must be unique within it (checked here, so a
    duplicate is a form error, not a database error)."""

    unique_field = "name"
    duplicate_message = "Tên này đã có trong danh mục."

    def __init__(self, *args, unit, **kwargs):
        self.unit = unit
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            value = " ".join(str(form.cleaned_data.get(self.unique_field, "")).split())
            if not value:
                continue
            key = value.lower()
            if key in seen:
                form.add_error(self.unique_field, self.duplicate_message)
            seen.add(key)

    def save(self, commit=True):
        objects = super().save(commit=False)
        for obj in objects:
            obj.unit = self.unit
            obj.save()
        for obj in self.deleted_objects:
            obj.delete()
        return objects


def hamlet_formset(unit, data=None):
    from tenants.models import Hamlet

    FormSet = forms.modelformset_factory(
        Hamlet,
        fields=["name", "kind", "population", "households", "is_active"],
        formset=_UnitRowFormSet,
        extra=2,
        can_delete=True,
    )
    return FormSet(
        data, unit=unit, prefix="ap", queryset=Hamlet.objects.filter(unit=unit)
    )


class StationForm(forms.ModelForm):
    class Meta:
        from .models import LegacyStation

        model = LegacyStation
        fields = [
            "name",
            "kind",
            "year_installed",
            "condition",
            "planned_conversion_year",
            "converted_year",
        ]

    def clean(self):
        data = super().clean()
        self.instance.year_installed = data.get("year_installed")
        self.instance.converted_year = data.get("converted_year")
        try:
            self.instance.clean()
        except forms.ValidationError as problem:
            for field, errors in problem.message_dict.items():
                for error in errors:
                    self.add_error(field, error)
        return data


def station_formset(unit, data=None):
    from .models import LegacyStation

    FormSet = forms.modelformset_factory(
        LegacyStation,
        form=StationForm,
        formset=_UnitRowFormSet,
        extra=1,
        can_delete=True,
    )
    return FormSet(
        data, unit=unit, prefix="dai", queryset=LegacyStation.objects.filter(unit=unit)
    )


class PropagandistForm(forms.ModelForm):
    class Meta:
        from .models import Propagandist

        model = Propagandist
        fields = ["hamlet", "name", "phone", "is_active"]


def propagandist_formset(unit, data=None):
    from tenants.models import Hamlet

    from .models import Propagandist

    FormSet = forms.modelformset_factory(
        Propagandist, form=PropagandistForm, extra=2, can_delete=True
    )
    formset = FormSet(
        data,
        prefix="ttv",
        queryset=Propagandist.objects.filter(hamlet__unit=unit),
    )
    for form in formset.forms:
        form.fields["hamlet"].queryset = Hamlet.objects.filter(unit=unit)
        form.fields["hamlet"].error_messages["invalid_choice"] = (
            "Hãy chọn một ấp/khóm của đơn vị (lưu danh mục ấp/khóm trước)."
        )
    return formset


class TrainingForm(forms.Form):
    officials = forms.IntegerField(label="Số cán bộ làm công tác TTCS", min_value=0)
    trained = forms.IntegerField(
        label="Số cán bộ đã được bồi dưỡng, tập huấn", min_value=0
    )
    trained_online = forms.IntegerField(
        label="Trong đó tập huấn trực tuyến", min_value=0, required=False
    )

    def clean(self):
        data = super().clean()
        if (data.get("trained") or 0) > (data.get("officials") or 0):
            self.add_error("trained", "Số cán bộ đã tập huấn lớn hơn tổng số cán bộ.")
        if (data.get("trained_online") or 0) > (data.get("trained") or 0):
            self.add_error(
                "trained_online", "Số tập huấn trực tuyến lớn hơn số đã tập huấn."
            )
        return data
