"""Admin forms: the feedback form moves the item through the pipeline."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from .choices import FeedbackStatus
from .models import FROZEN_MESSAGE, SurveyFrozen
from .pipeline import InvalidStatus

TRANSFER = "transfer"
ANSWER_NOW = "answer-now"


class FeedbackAdminForm(WagtailAdminModelForm):
    action = forms.ChoiceField(label="Chuyển trạng thái", required=False, choices=[])
    note = forms.CharField(
        label="Ghi chú (hoặc lý do từ chối)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "— giữ nguyên —")]
        choices += [(s.value, s.label) for s in self.instance.next_statuses()]
        if self.instance.status in (FeedbackStatus.RECEIVED, FeedbackStatus.ACCEPTED):
            # One step for the official; the history records each stage.
            choices.append((ANSWER_NOW, "Trả lời ngay (ghi nhận thụ lý, xử lý)"))
            if self._has_parent():
                choices.append((TRANSFER, "Chuyển lên đơn vị cấp trên"))
        self.fields["action"].choices = choices

    def _has_parent(self):
        # The province has no unit above to send to (it was offered, and
        # refused in save(): a 500).
        unit = getattr(self.instance, "unit", None)
        parent = unit.parent if unit is not None and unit.parent_id else None
        return parent is not None and parent.kind != "platform"

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == FeedbackStatus.REJECTED and not data.get("note", "").strip():
            self.add_error("note", "Từ chối phải nêu rõ lý do.")
        answering = action in (FeedbackStatus.ANSWERED, ANSWER_NOW)
        if answering and not (data.get("answer") or "").strip():
            self.add_error("answer", "Hãy nhập nội dung trả lời trước.")
        return data

    def save(self, commit=True):
        feedback = super().save(commit=commit)
        action = self.cleaned_data.get("action")
        actor = getattr(self.for_user, "get_username", lambda: "")()
        note = self.cleaned_data.get("note", "")
        try:
            if action == TRANSFER:
                feedback.transfer_to_parent(actor=actor, note=note)
            elif action == ANSWER_NOW:
                feedback.answer_now(feedback.answer, actor=actor, note=note)
            elif action:
                feedback.set_status(action, actor=actor, note=note, reason=note)
        except InvalidStatus as error:
            raise forms.ValidationError(str(error))
        return feedback


class SurveyAdminForm(WagtailAdminModelForm):
    def clean(self):
        data = super().clean()
        formset = self.formsets.get("questions")
        if self.instance.is_frozen and formset is not None and formset.has_changed():
            raise forms.ValidationError(FROZEN_MESSAGE)
        return data

    def save(self, commit=True):
        try:
            return super().save(commit=commit)
        except SurveyFrozen:
            raise forms.ValidationError(FROZEN_MESSAGE)
