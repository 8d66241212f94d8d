"""Public forms: honeypot, size limits, HTML stripped, Vietnamese errors."""

import re

from django import forms
from django.utils.html import strip_tags
from django.utils.translation import gettext, gettext_lazy

from . import pending
from .choices import Category, FeedbackKind, QuestionKind
from .images import MAX_PHOTOS, clean_photo
from .models import Feedback, Question, SiteRating

REQUIRED = gettext_lazy("Vui lòng nhập mục này.")
HONEYPOT_MESSAGE = gettext_lazy(
    "Không gửi được. Nếu bạn là người dùng, hãy để trống ô “Trang web”."
)


PHONE = re.compile(r"^(?:\+?84|0)\d{9,10}$")
PHONE_MESSAGE = gettext_lazy(
    "Số điện thoại chưa đúng: nhập 10 chữ số bắt đầu bằng 0 (ví dụ 0912345678)."
)
EMAIL_MESSAGE = gettext_lazy("Địa chỉ thư điện tử không hợp lệ.")


class CitizenBoundField(forms.BoundField):
    """Errors tied to their input (aria-invalid, aria-describedby), as screen
    readers and the error summary expect (GOV.UK error pattern)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{self.auto_id}-error"
        return attrs

    @property
    def is_choice_group(self):
        """Radios or several checkboxes: drawn as a fieldset with a legend."""
        widget = self.field.widget
        return isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


class CitizenForm(forms.Form):
    """Every public form: a honeypot and plain text only."""

    bound_field_class = CitizenBoundField

    website = forms.CharField(
        label="Trang web (để trống)",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Phones get the numeric keypad; browsers may fill in the contact.
        hints = {
            "phone": {"type": "tel", "inputmode": "tel", "autocomplete": "tel"},
            "email": {"autocomplete": "email", "inputmode": "email"},
            "name": {"autocomplete": "name"},
        }
        for name, attrs in hints.items():
            if name in self.fields:
                widget = self.fields[name].widget
                widget.input_type = attrs.pop("type", widget.input_type)
                widget.attrs.update(attrs)
        for field in self.fields.values():
            field.error_messages.setdefault("required", REQUIRED)
            field.error_messages["required"] = REQUIRED
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = gettext(
                    "Tối đa %(n)s ký tự, hãy rút gọn."
                ) % {"n": field.max_length}
        # The chrome in the reader's language (locale/km): labels, help and
        # choices are Vietnamese source strings, looked up in the catalogue.
        for field in self.fields.values():
            if field.label:
                field.label = gettext(str(field.label))
            if field.help_text:
                field.help_text = gettext(str(field.help_text))
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                field.choices = [
                    (value, gettext(str(label)) if label else label)
                    for value, label in field.choices
                ]

    def clean_phone(self):
        """A Vietnamese phone number, spaces and dots allowed when typed."""
        phone = (self.cleaned_data.get("phone") or "").strip()
        if not phone:
            return ""
        digits = re.sub(r"[\s.\-()]", "", phone)
        if not PHONE.match(digits):
            raise forms.ValidationError(PHONE_MESSAGE)
        return digits

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(HONEYPOT_MESSAGE)
        return ""

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = strip_tags(value).strip()
        return data


class QuestionForm(CitizenForm, forms.ModelForm):
    class Meta:
        model = Question
        fields = ["name", "phone", "email", "category", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6, "maxlength": 4000})}
        error_messages = {"email": {"invalid": EMAIL_MESSAGE}}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class FeedbackForm(CitizenForm, forms.ModelForm):
    photos = MultipleImageField(
        label="Ảnh kèm theo (tối đa 3 ảnh, mỗi ảnh đến 5 MB)", required=False
    )

    class Meta:
        model = Feedback
        fields = [
            "kind",
            "category",
            "title",
            "body",
            "location",
            "name",
            "phone",
            "email",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 6, "maxlength": 6000})}
        error_messages = {"email": {"invalid": EMAIL_MESSAGE}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Photos kept from an earlier submission that had an error: the ones
        # the citizen left ticked come back with this one.
        self.kept = []
        for token in self.data.getlist("kept_photos") if self.data else []:
            photo = pending.read(token)
            if photo is not None:
                self.kept.append({"token": token, "label": photo[0], "photo": photo[1]})

    def clean_photos(self):
        files = self.cleaned_data.get("photos") or []
        if len(files) + len(self.kept) > MAX_PHOTOS:
            raise forms.ValidationError(
                gettext("Chỉ gửi được tối đa %(n)s ảnh.") % {"n": MAX_PHOTOS}
            )
        new = [(getattr(f, "name", "ảnh"), clean_photo(f)) for f in files]
        self.new_photos = new
        return [k["photo"] for k in self.kept] + [photo for _label, photo in new]

    def keep_photos(self):
        """After an error elsewhere: keep the valid new photos for the next
        submission (a file input cannot be re-filled)."""
        for label, (content, size) in getattr(self, "new_photos", []):
            token = pending.keep(content, size, label)
            self.kept.append({"token": token, "label": label})
        self.new_photos = []

    def kept_tokens(self):
        return [k["token"] for k in self.kept]


class FeedbackRatingForm(CitizenForm):
    rating = forms.TypedChoiceField(
        label="Mức hài lòng với kết quả",
        choices=[(i, f"{i} sao") for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    rating_comment = forms.CharField(
        label="Ý kiến thêm", max_length=500, required=False, widget=forms.Textarea
    )


SCORES = [(i, str(i)) for i in range(1, 6)]


class SiteRatingForm(CitizenForm, forms.ModelForm):
    interface = forms.TypedChoiceField(
        label="Giao diện", choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    content = forms.TypedChoiceField(
        label="Nội dung", choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    usefulness = forms.TypedChoiceField(
        label="Tính hữu ích", choices=SCORES, coerce=int, widget=forms.RadioSelect
    )

    class Meta:
        model = SiteRating
        fields = ["interface", "content", "usefulness", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3, "maxlength": 1000})}


class SurveyAnswerForm(CitizenForm):
    """Built from a survey's questions: one field per question."""

    def __init__(self, survey, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        for q in survey.questions.all():
            name = f"q{q.pk}"
            choices = [(c, c) for c in q.choice_list()]
            if q.kind == QuestionKind.SINGLE:
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect)
            elif q.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple
                )
            elif q.kind == QuestionKind.SCALE:
                field = forms.TypedChoiceField(
                    choices=SCORES, coerce=int, widget=forms.RadioSelect
                )
            else:
                field = forms.CharField(
                    max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
                )
            field.label = q.text
            field.required = q.required
            field.error_messages["required"] = gettext("Vui lòng trả lời câu hỏi này.")
            field.error_messages["invalid_choice"] = gettext("Lựa chọn không hợp lệ.")
            field.question = q
            self.fields[name] = field
        # The honeypot last, out of the way.
        self.fields["website"] = self.fields.pop("website")


__all__ = [
    "Category",
    "FeedbackForm",
    "FeedbackKind",
    "FeedbackRatingForm",
    "QuestionForm",
    "SiteRatingForm",
    "SurveyAnswerForm",
]
