"""The shapes the API answers with and accepts; the OpenAPI document is
generated from them, and every answer is rendered through them, so the
document and the answers cannot drift apart.

What is here is public by construction: no field for a citizen's name,
phone, e-mail or photos, no officer's account, nothing of a draft.
"""

from rest_framework import serializers


class Page(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()


def paged(item_serializer, name):
    return type(
        name, (Page,), {"results": item_serializer(many=True), "__module__": __name__}
    )


class Error(serializers.Serializer):
    error = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class UnitRef(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class Unit(UnitRef):
    kind = serializers.CharField()
    parent_code = serializers.CharField(allow_null=True)
    url = serializers.CharField(allow_blank=True)


class PageItem(serializers.Serializer):
    id = serializers.IntegerField()
    unit = UnitRef()
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    url = serializers.CharField()
    image_url = serializers.CharField(allow_blank=True)
    category = serializers.CharField(allow_blank=True)
    language = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    published_at = serializers.DateTimeField()


class Announcement(PageItem):
    priority = serializers.ChoiceField(["normal", "priority", "emergency"])
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    is_current = serializers.BooleanField()


class LegalDocument(serializers.Serializer):
    id = serializers.IntegerField()
    unit = UnitRef()
    title = serializers.CharField()
    number = serializers.CharField()
    doc_type = serializers.CharField()
    doc_type_label = serializers.CharField()
    issuer = serializers.CharField()
    signer = serializers.CharField(allow_blank=True)
    issued_on = serializers.DateField()
    effective_on = serializers.DateField(allow_null=True)
    summary = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    url = serializers.CharField()
    file_url = serializers.CharField(allow_blank=True)


class Bulletin(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    priority = serializers.ChoiceField(["normal", "priority", "emergency"])
    sender = UnitRef()
    sent_at = serializers.DateTimeField(allow_null=True)
    valid_from = serializers.DateTimeField()
    valid_until = serializers.DateTimeField(allow_null=True)
    language = serializers.CharField()
    url = serializers.CharField()


class Question(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    category = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField(allow_null=True)
    answer = serializers.CharField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    url = serializers.CharField()


class QuestionIn(serializers.Serializer):
    """What a citizen asks; name, phone and e-mail reach only the unit."""

    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=4000)
    category = serializers.CharField(required=False)
    name = serializers.CharField(required=False, max_length=100)
    phone = serializers.CharField(required=False, max_length=20)
    email = serializers.CharField(required=False)


class Sent(serializers.Serializer):
    code = serializers.CharField()
    url = serializers.CharField()
    message = serializers.CharField()


class FeedbackSent(Sent):
    key = serializers.CharField(
        help_text="Mã bí mật của người gửi: theo dõi đầy đủ và đánh giá kết quả."
    )


class FeedbackEvent(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    note = serializers.CharField(allow_blank=True)


class Feedback(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField()
    category = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    unit = UnitRef()
    filed_with = UnitRef()
    created_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    is_overdue = serializers.BooleanField()
    body = serializers.CharField(allow_null=True)
    location = serializers.CharField(allow_null=True)
    answer = serializers.CharField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    reject_reason = serializers.CharField(allow_null=True)
    rating = serializers.IntegerField(allow_null=True)
    url = serializers.CharField()


class FeedbackDetail(Feedback):
    events = FeedbackEvent(many=True)
    is_sender = serializers.BooleanField()


class FeedbackIn(serializers.Serializer):
    """A report or proposal (multipart/form-data to attach photos)."""

    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=6000)
    kind = serializers.CharField(required=False)
    category = serializers.CharField(required=False)
    location = serializers.CharField(required=False, max_length=255)
    name = serializers.CharField(required=False, max_length=100)
    phone = serializers.CharField(required=False, max_length=20)
    email = serializers.CharField(required=False)
    photos = serializers.ListField(
        child=serializers.ImageField(), required=False, max_length=3
    )


class SurveyQuestion(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(["single", "multiple", "scale", "text"])
    text = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField())
    required = serializers.BooleanField()


class Survey(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    is_open = serializers.BooleanField()
    show_results = serializers.BooleanField()
    url = serializers.CharField()


class SurveyDetail(Survey):
    questions = SurveyQuestion(many=True)
    ballot = serializers.CharField(
        allow_null=True, help_text="Phiếu dùng một lần; gửi kèm khi trả lời."
    )


class SurveyAnswersIn(serializers.Serializer):
    ballot = serializers.CharField()
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Theo mã câu hỏi: một lựa chọn, danh sách lựa chọn, điểm 1–5 "
        "hoặc văn bản.",
    )


class SurveyAnswered(serializers.Serializer):
    message = serializers.CharField()
    results_url = serializers.CharField(allow_null=True)


class ResultRow(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()


class SurveyResult(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.CharField()
    counts = ResultRow(many=True)
    texts = serializers.ListField(child=serializers.CharField())


class SurveyResults(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    responses = serializers.IntegerField()
    questions = SurveyResult(many=True)


class Program(serializers.Serializer):
    uid = serializers.UUIDField()
    unit = UnitRef()
    title = serializers.CharField()
    kind = serializers.CharField()
    language = serializers.CharField()
    duration_seconds = serializers.FloatField()
    created_at = serializers.DateTimeField()
    audio_url = serializers.CharField()


UnitPage = paged(Unit, "UnitPage")
PageItemPage = paged(PageItem, "PageItemPage")
AnnouncementPage = paged(Announcement, "AnnouncementPage")
LegalDocumentPage = paged(LegalDocument, "LegalDocumentPage")
BulletinPage = paged(Bulletin, "BulletinPage")
QuestionPage = paged(Question, "QuestionPage")
FeedbackPage = paged(Feedback, "FeedbackPage")
SurveyPage = paged(Survey, "SurveyPage")
ProgramPage = paged(Program, "ProgramPage")
