"""Forms of the public search pages (GET: nothing stored, input cleaned)."""

from django import forms
from django.utils.html import strip_tags

from .models import SCHEMA_NAME
from .services import SCOPE_LABELS


class SearchForm(forms.Form):
    q = forms.CharField(label="Từ khóa", max_length=200, required=False)
    scope = forms.ChoiceField(
        label="Phạm vi",
        choices=list(SCOPE_LABELS.items()),
        required=False,
        initial="unit",
    )
    kind = forms.CharField(required=False, max_length=32)
    category = forms.CharField(required=False, max_length=200)
    year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    # A unit's schema name (the unit facet); anything else is a form error,
    # not a query the scope filter refuses with a 500.
    unit = forms.RegexField(
        regex=SCHEMA_NAME,
        required=False,
        max_length=63,
        error_messages={"invalid": "Đơn vị không hợp lệ."},
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=1000)

    def clean_q(self):
        return strip_tags(self.cleaned_data["q"]).strip()


class LegalLookupForm(forms.Form):
    number = forms.CharField(label="Số hiệu", max_length=60, required=False)
    doc_type = forms.CharField(label="Loại văn bản", max_length=60, required=False)
    issuer = forms.CharField(label="Cơ quan ban hành", max_length=200, required=False)
    date_from = forms.DateField(
        label="Ban hành từ ngày",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Ngày không hợp lệ, hãy chọn lại."},
    )
    date_to = forms.DateField(
        label="đến ngày",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Ngày không hợp lệ, hãy chọn lại."},
    )
    q = forms.CharField(label="Trích yếu có chữ", max_length=200, required=False)
    scope = forms.ChoiceField(
        label="Phạm vi",
        choices=list(SCOPE_LABELS.items()),
        required=False,
        initial="province",
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=1000)

    def clean(self):
        data = super().clean()
        for name in ("number", "doc_type", "issuer", "q"):
            if data.get(name):
                data[name] = strip_tags(data[name]).strip()
        if (
            data.get("date_from")
            and data.get("date_to")
            and data["date_from"] > data["date_to"]
        ):
            self.add_error("date_to", "“Đến ngày” phải sau “Từ ngày”.")
        return data
