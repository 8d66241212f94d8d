"""The operations of API v1 (``/api/v1/…``; the document: ``/api/v1/schema/``).

Every operation works on the unit of the host it is called on: what a
citizen sees on that unit's site, as JSON. Lists take ``unit`` (a unit code)
to read a unit below the host instead (a district portal reading one of its
communes); the platform host reads any unit and needs ``unit``. Reading
never shows a draft, a restricted page, an unanswered question's text, or
anything of a citizen but what the site itself shows; writing goes through
the same forms, checks and services as the site's pages.
"""

import datetime as dt

from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django_tenants.utils import tenant_context
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from base.choices import Priority
from base.ratelimit import is_limited
from tenants.models import Unit
from tenants.services import current_unit

from . import serializers as s
from .errors import InvalidInput, field_errors
from .models import ApiKey

# --- parameters -------------------------------------------------------------------

NOT_A_UNIT = "Không có đơn vị mã này trong phạm vi của trang (đơn vị và cấp dưới)."
UNIT_NEEDED = (
    "Trên địa chỉ chung của nền tảng, hãy chọn đơn vị bằng mã đơn vị (tham số unit)."
)
ONLY_ON_UNIT = "Thao tác này chỉ có trên địa chỉ trang của một đơn vị."


class ListForm(forms.Form):
    unit = forms.CharField(required=False, max_length=20)
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update(
                invalid="Giá trị không hợp lệ.",
                invalid_choice="Giá trị không có trong danh sách cho phép.",
                min_value="Giá trị phải từ %(limit_value)s trở lên.",
                max_value="Giá trị tối đa là %(limit_value)s.",
                max_length="Tối đa %(limit_value)d ký tự.",
            )


PRIORITY_CHOICES = [("", "")] + list(Priority.choices)


class AnnouncementForm(ListForm):
    priority = forms.ChoiceField(required=False, choices=PRIORITY_CHOICES)
    current = forms.NullBooleanField(required=False)


class SinceField(forms.DateTimeField):
    """ISO 8601, in UTC before it reaches PostgreSQL (which refuses offsets
    beyond ±15:59 that Python reads)."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            moment = moment.astimezone(dt.UTC) if moment.tzinfo else moment
        except (OverflowError, ValueError):
            raise forms.ValidationError(SINCE_INVALID) from None
        if not 1900 <= moment.year <= 2200:
            raise forms.ValidationError(SINCE_INVALID)
        return moment


SINCE_INVALID = (
    "Thời điểm không hợp lệ, dùng dạng ISO 8601 (2025-12-01T08:00:00+07:00)."
)


class BulletinForm(ListForm):
    priority = forms.ChoiceField(required=False, choices=PRIORITY_CHOICES)
    since = SinceField(required=False, error_messages={"invalid": SINCE_INVALID})


def _doc_choices(name):
    from cms import models

    return [("", "")] + list(getattr(models, name).choices)


class LegalForm(ListForm):
    doc_type = forms.ChoiceField(required=False, choices=())
    status = forms.ChoiceField(required=False, choices=())
    year = forms.IntegerField(required=False, min_value=1900, max_value=2200)
    number = forms.CharField(required=False, max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = _doc_choices("DocumentType")
        self.fields["status"].choices = _doc_choices("DocumentStatus")


def clean(form_class, request):
    form = form_class(request.query_params)
    if not form.is_valid():
        raise InvalidInput(field_errors(form), "Tham số không hợp lệ.")
    return form.cleaned_data


UNIT_PARAM = OpenApiParameter(
    "unit", OpenApiTypes.STR, description="Mã đơn vị (đơn vị này hoặc cấp dưới)"
)
PAGE_PARAMS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="Trang, từ 1"),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Số mục (1–100)"),
]
LIST_PARAMS = [UNIT_PARAM, *PAGE_PARAMS]
ERRORS = {code: s.Error for code in (400, 401, 403, 404, 429)}


def scope_units():
    """Units the host may read: its own and those below; every unit on the
    platform host. Only provisioned units with a site."""
    host = current_unit()
    units = host.descendants(include_self=True) if host else Unit.objects.all()
    return units.exclude(kind__in=("platform", "department")).filter(
        provisioned_at__isnull=False
    )


def chosen_unit(code):
    host = current_unit()
    if not code:
        if host is None:
            raise InvalidInput({"unit": [UNIT_NEEDED]})
        return host
    unit = scope_units().filter(code=code).order_by("-structure").first()
    if unit is None:
        raise InvalidInput({"unit": [NOT_A_UNIT]})
    return unit


def host_unit():
    unit = current_unit()
    if unit is None:
        raise exceptions.NotFound(ONLY_ON_UNIT)
    return unit


def paginate(items, data):
    """``items`` (a queryset or list) cut to the requested page."""
    size = data.get("page_size") or 20
    page = data.get("page") or 1
    count = (
        items.count()
        if hasattr(items, "count") and not isinstance(items, list)
        else len(items)
    )
    num_pages = max(1, -(-count // size))
    start = (page - 1) * size
    return {
        "count": count,
        "page": page,
        "num_pages": num_pages,
        "results": list(items[start : start + size]) if start < count else [],
    }


def unit_ref(unit):
    return {"code": unit.code, "name": str(unit)}


def absolute(request, path):
    return request.build_absolute_uri(path)


def is_keyed(request):
    return isinstance(request.auth, ApiKey)


def lookup_limit(request):
    """Opening tracking codes: the site's ``engage.lookup`` rate, for
    anonymous clients (a keyed one has its key's rate)."""
    if not is_keyed(request) and is_limited(
        request._request, "engage.lookup", method="GET"
    ):
        raise exceptions.Throttled()


def as_querydict(data):
    """A request body as the QueryDict the site's forms read (JSON objects:
    lists become repeated values)."""
    if isinstance(data, QueryDict):
        result = data.copy()
    elif isinstance(data, dict):
        result = QueryDict(mutable=True)
        for key, value in data.items():
            values = value if isinstance(value, list) else [value]
            for item in values:
                if isinstance(item, (dict, list)):
                    raise InvalidInput({str(key): ["Giá trị không hợp lệ."]})
                if item is None:
                    continue
                result.appendlist(str(key), str(item))
    else:
        raise exceptions.ParseError()
    # Only the site's own form re-submission uses these.
    for private in ("kept_photos", "website"):
        result.pop(private, None)
    return result


class ApiView(APIView):
    """Every v1 operation: keys, rates and Vietnamese JSON errors come from
    ``settings.REST_FRAMEWORK`` (api.auth, api.errors)."""


# --- units ------------------------------------------------------------------------


class UnitList(ApiView):
    @extend_schema(
        operation_id="units_list",
        summary="Các đơn vị",
        description="Đơn vị của trang và các đơn vị trực thuộc (mọi đơn vị trên "
        "địa chỉ chung), với địa chỉ trang của từng đơn vị.",
        parameters=PAGE_PARAMS,
        responses={200: s.UnitPage, **ERRORS},
        tags=["Đơn vị"],
    )
    def get(self, request):
        data = clean(ListForm, request)
        units = scope_units().select_related("parent").order_by("path")
        page = paginate(units, data)
        from engage.services import hostnames

        hosts = hostnames([u.pk for u in page["results"]])
        port = request.get_port()
        suffix = "" if str(port) in ("80", "443") else f":{port}"
        page["results"] = [
            {
                **unit_ref(u),
                "kind": u.kind,
                "parent_code": u.parent.code if u.parent_id else None,
                "url": f"{request.scheme}://{hosts[u.pk]}{suffix}/"
                if u.pk in hosts
                else "",
            }
            for u in page["results"]
        ]
        return Response(s.UnitPage(page).data)


# --- pages: articles, announcements, legal documents ------------------------------


def in_unit(unit, build):
    """Run ``build()`` in ``unit``'s schema (the host's own needs no switch)."""
    host = current_unit()
    if host is not None and host.pk == unit.pk:
        return build()
    with tenant_context(unit):
        return build()


def page_item(page, unit):
    from syndication.services import card_for

    card = card_for(page)
    if card is None:
        return None
    return {
        "id": page.pk,
        "unit": unit_ref(unit),
        "title": card["title"],
        "summary": card["summary"],
        "url": card["url"],
        "image_url": card["image_url"],
        "category": card["category"],
        "language": card["language"],
        "date": page.display_date,
        "published_at": card["published_at"],
    }


def page_list(queryset, data, unit, extra=None):
    page = paginate(queryset, data)
    items = []
    for obj in page["results"]:
        item = page_item(obj, unit)
        if item is not None:
            items.append({**item, **(extra(obj) if extra else {})})
    page["results"] = items
    return page


class ArticleList(ApiView):
    @extend_schema(
        operation_id="articles_list",
        summary="Tin bài",
        description="Tin bài đã đăng công khai của đơn vị, mới nhất trước.",
        parameters=LIST_PARAMS,
        responses={200: s.PageItemPage, **ERRORS},
        tags=["Tin bài, thông báo, văn bản"],
    )
    def get(self, request):
        data = clean(ListForm, request)
        unit = chosen_unit(data["unit"])

        def build():
            from cms.models import ArticlePage

            pages = (
                ArticlePage.objects.live()
                .public()
                .select_related("image", "category", "locale")
                .order_by("-first_published_at", "-pk")
            )
            return page_list(pages, data, unit)

        return Response(s.PageItemPage(in_unit(unit, build)).data)


class AnnouncementList(ApiView):
    @extend_schema(
        operation_id="announcements_list",
        summary="Thông báo",
        description="Thông báo đã đăng của đơn vị, khẩn cấp và ưu tiên trước. "
        "current=true: chỉ thông báo còn hiệu lực hôm nay.",
        parameters=[
            *LIST_PARAMS,
            OpenApiParameter(
                "priority", OpenApiTypes.STR, enum=[c for c, _ in Priority.choices]
            ),
            OpenApiParameter("current", OpenApiTypes.BOOL),
        ],
        responses={200: s.AnnouncementPage, **ERRORS},
        tags=["Tin bài, thông báo, văn bản"],
    )
    def get(self, request):
        data = clean(AnnouncementForm, request)
        unit = chosen_unit(data["unit"])

        def build():
            from cms.models import AnnouncementPage

            pages = AnnouncementPage.objects.live().public()
            if data["priority"]:
                pages = pages.filter(priority=data["priority"])
            if data["current"]:
                pages = AnnouncementPage.current(pages)
            else:
                pages = pages.annotate(rank=Priority.rank_expression()).order_by(
                    "-rank", "-first_published_at", "-pk"
                )
            pages = pages.select_related("image", "category", "locale")
            return page_list(
                pages,
                data,
                unit,
                lambda p: {
                    "priority": p.priority,
                    "valid_from": p.valid_from,
                    "valid_until": p.valid_until,
                    "is_current": p.is_current,
                },
            )

        return Response(s.AnnouncementPage(in_unit(unit, build)).data)


class LegalDocumentList(ApiView):
    @extend_schema(
        operation_id="legal_documents_list",
        summary="Văn bản",
        description="Văn bản đã đăng của đơn vị, mới ban hành trước.",
        parameters=[
            *LIST_PARAMS,
            OpenApiParameter("doc_type", OpenApiTypes.STR, description="Loại văn bản"),
            OpenApiParameter("status", OpenApiTypes.STR, description="Hiệu lực"),
            OpenApiParameter("year", OpenApiTypes.INT, description="Năm ban hành"),
            OpenApiParameter("number", OpenApiTypes.STR, description="Số hiệu"),
        ],
        responses={200: s.LegalDocumentPage, **ERRORS},
        tags=["Tin bài, thông báo, văn bản"],
    )
    def get(self, request):
        data = clean(LegalForm, request)
        unit = chosen_unit(data["unit"])

        def build():
            from cms.models import LegalDocumentPage

            docs = LegalDocumentPage.objects.live().public().select_related("document")
            if data["doc_type"]:
                docs = docs.filter(doc_type=data["doc_type"])
            if data["status"]:
                docs = docs.filter(status=data["status"])
            if data["year"]:
                docs = docs.filter(issued_on__year=data["year"])
            if data["number"]:
                docs = docs.filter(number__icontains=data["number"])
            page = paginate(docs.order_by("-issued_on", "-pk"), data)
            items = []
            for doc in page["results"]:
                parts = doc.get_url_parts()
                if parts is None or not parts[1]:
                    continue
                root = parts[1]
                items.append(
                    {
                        "id": doc.pk,
                        "unit": unit_ref(unit),
                        "title": doc.title,
                        "number": doc.number,
                        "doc_type": doc.doc_type,
                        "doc_type_label": doc.get_doc_type_display(),
                        "issuer": doc.issuer,
                        "signer": doc.signer,
                        "issued_on": doc.issued_on,
                        "effective_on": doc.effective_on,
                        "summary": doc.summary,
                        "status": doc.status,
                        "status_label": doc.get_status_display(),
                        "url": root + parts[2],
                        "file_url": root + doc.document.url if doc.document else "",
                    }
                )
            page["results"] = items
            return page

        return Response(s.LegalDocumentPage(in_unit(unit, build)).data)


# --- bulletins --------------------------------------------------------------------


class BulletinList(ApiView):
    @extend_schema(
        operation_id="bulletins_list",
        summary="Thông tin nguồn",
        description="Thông tin thiết yếu đã gửi tới đơn vị (hoặc do đơn vị gửi), "
        "mới nhất trước; lọc theo mức độ (khẩn cấp, ưu tiên, thông thường).",
        parameters=[
            *LIST_PARAMS,
            OpenApiParameter(
                "priority", OpenApiTypes.STR, enum=[c for c, _ in Priority.choices]
            ),
            OpenApiParameter(
                "since", OpenApiTypes.DATETIME, description="Gửi từ thời điểm này"
            ),
        ],
        responses={200: s.BulletinPage, **ERRORS},
        tags=["Thông tin nguồn"],
    )
    def get(self, request):
        from bulletins.choices import BulletinStatus
        from bulletins.models import Bulletin

        data = clean(BulletinForm, request)
        unit = chosen_unit(data["unit"])
        ids = Bulletin.objects.filter(status=BulletinStatus.SENT).filter(
            Q(sender_unit=unit) | Q(deliveries__unit=unit)
        )
        if data["priority"]:
            ids = ids.filter(priority=data["priority"])
        if data["since"]:
            ids = ids.filter(sent_at__gte=data["since"])
        bulletins = (
            Bulletin.objects.filter(pk__in=ids.values("pk"))
            .select_related("sender_unit")
            .order_by("-sent_at", "-pk")
        )
        page = paginate(bulletins, data)
        page["results"] = [
            {
                "id": b.pk,
                "title": b.title,
                "body": b.body,
                "category": b.category,
                "category_label": b.get_category_display(),
                "priority": b.priority,
                "sender": sender_of(b),
                "sent_at": b.sent_at,
                "valid_from": b.valid_from,
                "valid_until": b.valid_until,
                "language": b.language,
                "url": absolute(request, reverse("bulletins_public", args=[b.pk])),
            }
            for b in page["results"]
        ]
        return Response(s.BulletinPage(page).data)


def sender_of(bulletin):
    """The sender as citizens read it: information relayed from the central
    system says "Trung ương"."""
    from central.services import CENTRAL_NAME, is_central

    if is_central(bulletin):
        return {"code": "", "name": CENTRAL_NAME}
    return unit_ref(bulletin.sender_unit)


# --- questions --------------------------------------------------------------------


def question_out(question, request):
    public = question.is_public
    return {
        "code": question.code,
        "status": question.status,
        "status_label": question.get_status_display(),
        "category": question.category,
        "title": question.title,
        "body": question.body if public else None,
        "answer": question.answer if public else None,
        "answered_at": question.answered_at if public else None,
        "created_at": question.created_at,
        "url": absolute(request, question.public_url()),
    }


class QuestionList(ApiView):
    write_rate_group = "engage.form"

    @extend_schema(
        operation_id="questions_list",
        summary="Hỏi đáp: các câu đã trả lời",
        parameters=LIST_PARAMS,
        responses={200: s.QuestionPage, **ERRORS},
        tags=["Hỏi đáp"],
    )
    def get(self, request):
        from engage.choices import QuestionStatus
        from engage.models import Question

        data = clean(ListForm, request)
        unit = chosen_unit(data["unit"])
        items = Question.objects.filter(
            unit=unit, status=QuestionStatus.ANSWERED
        ).order_by("-answered_at", "-pk")
        page = paginate(items, data)
        page["results"] = [question_out(q, request) for q in page["results"]]
        return Response(s.QuestionPage(page).data)

    @extend_schema(
        operation_id="questions_ask",
        summary="Gửi câu hỏi",
        description="Câu hỏi vào hàng đợi của đơn vị; trả về mã theo dõi. Họ tên, "
        "điện thoại, thư điện tử chỉ đơn vị thấy.",
        request={"application/json": s.QuestionIn, "multipart/form-data": s.QuestionIn},
        responses={201: s.Sent, **ERRORS},
        tags=["Hỏi đáp"],
    )
    def post(self, request):
        from engage import services
        from engage.forms import QuestionForm

        unit = host_unit()
        data = as_querydict(request.data)
        data.setdefault("category", "khac")
        form = QuestionForm(data)
        if not form.is_valid():
            raise InvalidInput(field_errors(form))
        fields = {k: v for k, v in form.cleaned_data.items() if k != "website"}
        question = services.ask_question(unit=unit, **fields)
        return Response(
            s.Sent(
                {
                    "code": question.code,
                    "url": absolute(request, question.public_url()),
                    "message": "Đã gửi câu hỏi. Dùng mã theo dõi để xem trả lời.",
                }
            ).data,
            status=201,
        )


class QuestionDetail(ApiView):
    @extend_schema(
        operation_id="questions_read",
        summary="Một câu hỏi theo mã theo dõi",
        description="Nội dung và trả lời chỉ hiện khi đã có trả lời chính thức.",
        responses={200: s.Question, **ERRORS},
        tags=["Hỏi đáp"],
    )
    def get(self, request, code):
        from engage import services

        lookup_limit(request)
        question = services.question_for_host(code[:20], host_unit())
        if question is None or question.status == "hidden":
            raise exceptions.NotFound("Không tìm thấy câu hỏi có mã này.")
        return Response(s.Question(question_out(question, request)).data)


# --- feedback ---------------------------------------------------------------------


def feedback_out(feedback, request, *, sender=False):
    shown = feedback.is_public or sender
    return {
        "code": feedback.code,
        "kind": feedback.kind,
        "category": feedback.category,
        "title": feedback.title,
        "status": feedback.status,
        "status_label": feedback.get_status_display(),
        "unit": unit_ref(feedback.unit),
        "filed_with": unit_ref(feedback.filed_with),
        "created_at": feedback.created_at,
        "deadline": None if feedback.is_public else feedback.deadline,
        "is_overdue": feedback.is_overdue,
        "body": feedback.body if shown else None,
        "location": feedback.location if shown else None,
        "answer": feedback.answer if feedback.is_public else None,
        "answered_at": feedback.answered_at if feedback.is_public else None,
        "reject_reason": feedback.reject_reason
        if feedback.status == "rejected"
        else None,
        "rating": feedback.rating,
        "url": absolute(request, feedback.public_url()),
    }


class FeedbackList(ApiView):
    write_rate_group = "engage.form"

    @extend_schema(
        operation_id="feedback_list",
        summary="Phản ánh, kiến nghị đã có kết quả",
        parameters=LIST_PARAMS,
        responses={200: s.FeedbackPage, **ERRORS},
        tags=["Phản ánh, kiến nghị"],
    )
    def get(self, request):
        from engage.models import Feedback
        from engage.pipeline import PUBLIC_STATUSES

        data = clean(ListForm, request)
        unit = chosen_unit(data["unit"])
        items = (
            Feedback.objects.filter(unit=unit, status__in=PUBLIC_STATUSES)
            .select_related("unit", "filed_with")
            .order_by("-answered_at", "-pk")
        )
        page = paginate(items, data)
        page["results"] = [feedback_out(f, request) for f in page["results"]]
        return Response(s.FeedbackPage(page).data)

    @extend_schema(
        operation_id="feedback_file",
        summary="Gửi phản ánh, kiến nghị (kèm ảnh)",
        description="multipart/form-data với tối đa 3 ảnh (photos). Trả về mã theo "
        "dõi (công khai) và mã bí mật key (chỉ người gửi giữ).",
        request={"multipart/form-data": s.FeedbackIn, "application/json": s.FeedbackIn},
        responses={201: s.FeedbackSent, **ERRORS},
        tags=["Phản ánh, kiến nghị"],
    )
    def post(self, request):
        from engage import services, tokens
        from engage.choices import Category, FeedbackKind
        from engage.forms import FeedbackForm

        unit = host_unit()
        data = as_querydict(request.data)
        data.setdefault("kind", FeedbackKind.REPORT)
        data.setdefault("category", Category.OTHER)
        form = FeedbackForm(data, request.FILES)
        if not form.is_valid():
            raise InvalidInput(field_errors(form))
        fields = {
            k: v for k, v in form.cleaned_data.items() if k not in ("website", "photos")
        }
        feedback = services.file_feedback(
            unit=unit, photos=form.cleaned_data["photos"], **fields
        )
        return Response(
            s.FeedbackSent(
                {
                    "code": feedback.code,
                    "key": tokens.rating_key(feedback),
                    "url": absolute(request, feedback.public_url()),
                    "message": "Đã gửi phản ánh, kiến nghị. Giữ mã theo dõi và mã "
                    "bí mật để theo dõi kết quả.",
                }
            ).data,
            status=201,
        )


class FeedbackDetail(ApiView):
    @extend_schema(
        operation_id="feedback_track",
        summary="Theo dõi phản ánh theo mã (và mã bí mật)",
        description="Với mã theo dõi: tình trạng và quá trình xử lý, như trang "
        "công khai. Thêm key (mã bí mật nhận khi gửi): cả nội dung người gửi đã "
        "viết. key sai: 403.",
        parameters=[OpenApiParameter("key", OpenApiTypes.STR)],
        responses={200: s.FeedbackDetail, **ERRORS},
        tags=["Phản ánh, kiến nghị"],
    )
    def get(self, request, code):
        from engage import services, tokens

        lookup_limit(request)
        feedback = services.feedback_for_host(code[:20], host_unit())
        if feedback is None:
            raise exceptions.NotFound("Không tìm thấy phản ánh, kiến nghị có mã này.")
        key = request.query_params.get("key", "")
        sender = bool(key) and tokens.rating_key_ok(feedback, key)
        if key and not sender:
            raise exceptions.PermissionDenied(
                "Mã bí mật không đúng với mã theo dõi này."
            )
        out = feedback_out(feedback, request, sender=sender)
        out["is_sender"] = sender
        out["events"] = [
            {
                "at": feedback.created_at,
                "status": "received",
                "status_label": f"Tiếp nhận tại {feedback.filed_with}",
                "note": "",
            }
        ] + [
            {
                "at": e.created_at,
                "status": e.to_status,
                "status_label": e.get_to_status_display(),
                "note": e.note,
            }
            for e in feedback.events.all()
        ]
        return Response(s.FeedbackDetail(out).data)


# --- surveys ----------------------------------------------------------------------


def survey_out(survey, request):
    return {
        "id": survey.pk,
        "title": survey.title,
        "description": survey.description,
        "opens_at": survey.opens_at,
        "closes_at": survey.closes_at,
        "is_open": survey.is_open,
        "show_results": survey.show_results,
        "url": absolute(request, reverse("engage:survey", args=[survey.pk])),
    }


def host_survey(pk):
    from engage.models import Survey

    survey = Survey.objects.filter(pk=pk, unit=host_unit(), is_published=True).first()
    if survey is None:
        raise exceptions.NotFound("Không tìm thấy khảo sát.")
    return survey


class SurveyList(ApiView):
    @extend_schema(
        operation_id="surveys_list",
        summary="Khảo sát ý kiến",
        parameters=LIST_PARAMS,
        responses={200: s.SurveyPage, **ERRORS},
        tags=["Khảo sát"],
    )
    def get(self, request):
        from engage.models import Survey

        data = clean(ListForm, request)
        unit = chosen_unit(data["unit"])
        surveys = Survey.objects.filter(unit=unit, is_published=True).order_by(
            "-opens_at", "-pk"
        )
        page = paginate(surveys, data)
        page["results"] = [survey_out(x, request) for x in page["results"]]
        return Response(s.SurveyPage(page).data)


class SurveyDetail(ApiView):
    @extend_schema(
        operation_id="surveys_read",
        summary="Một khảo sát, các câu hỏi và phiếu trả lời",
        responses={200: s.SurveyDetail, **ERRORS},
        tags=["Khảo sát"],
    )
    def get(self, request, pk):
        from engage import tokens

        survey = host_survey(pk)
        out = survey_out(survey, request)
        out["questions"] = [
            {
                "id": q.pk,
                "kind": q.kind,
                "text": q.text,
                "choices": q.choice_list(),
                "required": q.required,
            }
            for q in survey.questions.all()
        ]
        out["ballot"] = tokens.issue_ballot(survey) if survey.is_open else None
        return Response(s.SurveyDetail(out).data)


BALLOT_BAD = (
    "Phiếu trả lời đã hết hạn, không hợp lệ hoặc đã dùng: hãy lấy phiếu mới "
    "(GET khảo sát) rồi gửi lại."
)


class SurveyAnswer(ApiView):
    write_rate_group = "engage.form"

    @extend_schema(
        operation_id="surveys_answer",
        summary="Trả lời khảo sát",
        description="Gửi phiếu (ballot) lấy từ khảo sát và câu trả lời theo mã câu "
        "hỏi. Mỗi phiếu được tính một lần.",
        request={"application/json": s.SurveyAnswersIn},
        responses={201: s.SurveyAnswered, **ERRORS},
        tags=["Khảo sát"],
    )
    def post(self, request, pk):
        from engage import services, tokens
        from engage.forms import SurveyAnswerForm
        from engage.views import _per_survey

        survey = host_survey(pk)
        if not survey.is_open:
            raise InvalidInput({}, "Khảo sát này chưa mở hoặc đã đóng.")
        body = request.data
        if not isinstance(body, dict):
            raise exceptions.ParseError()
        answers = body.get("answers") or {}
        if not isinstance(answers, dict):
            raise InvalidInput({"answers": ["Cần một đối tượng theo mã câu hỏi."]})
        nonce = tokens.ballot_nonce(survey, body.get("ballot"))
        if nonce is None:
            raise InvalidInput({"ballot": [BALLOT_BAD]})
        if not is_keyed(request) and is_limited(
            request._request, "engage.survey_answer", key=_per_survey(survey)
        ):
            raise exceptions.Throttled()
        form = SurveyAnswerForm(
            survey, as_querydict({f"q{k}": v for k, v in answers.items()})
        )
        if not form.is_valid():
            raise InvalidInput(
                {
                    name.removeprefix("q"): msgs
                    for name, msgs in field_errors(form).items()
                }
            )
        if not services.answer_survey(survey, form, nonce):
            raise InvalidInput({"ballot": [BALLOT_BAD]})
        results = reverse("engage:survey_results", args=[survey.pk])
        return Response(
            s.SurveyAnswered(
                {
                    "message": "Cảm ơn bạn đã tham gia khảo sát.",
                    "results_url": absolute(request, results)
                    if survey.show_results
                    else None,
                }
            ).data,
            status=201,
        )


class SurveyResults(ApiView):
    @extend_schema(
        operation_id="surveys_results",
        summary="Kết quả khảo sát (khi đơn vị công khai)",
        responses={200: s.SurveyResults, **ERRORS},
        tags=["Khảo sát"],
    )
    def get(self, request, pk):
        from collections import Counter

        survey = host_survey(pk)
        if not survey.show_results:
            raise exceptions.NotFound("Kết quả khảo sát này không công khai.")
        questions = []
        for q in survey.questions.all():
            answers = list(q.answers.all())
            counts, texts = [], []
            if q.kind in ("single", "multiple"):
                tally = Counter(c for a in answers for c in (a.choices or []))
                counts = [
                    {"label": c, "count": tally.get(c, 0)} for c in q.choice_list()
                ]
            elif q.kind == "scale":
                tally = Counter(a.scale for a in answers if a.scale)
                counts = [
                    {"label": str(i), "count": tally.get(i, 0)} for i in range(1, 6)
                ]
            else:
                texts = [a.text for a in answers if a.text][:50]
            questions.append(
                {
                    "id": q.pk,
                    "text": q.text,
                    "kind": q.kind,
                    "counts": counts,
                    "texts": texts,
                }
            )
        out = {
            "id": survey.pk,
            "title": survey.title,
            "responses": survey.responses.count(),
            "questions": questions,
        }
        return Response(s.SurveyResults(out).data)


# --- listen-back ------------------------------------------------------------------


class ListenBackList(ApiView):
    @extend_schema(
        operation_id="listen_back_list",
        summary="Nghe lại chương trình truyền thanh",
        description="Chương trình đã phát mà đơn vị cho nghe lại, mới nhất trước.",
        parameters=LIST_PARAMS,
        responses={200: s.ProgramPage, **ERRORS},
        tags=["Truyền thanh"],
    )
    def get(self, request):
        from broadcast import services

        data = clean(ListForm, request)
        unit = chosen_unit(data["unit"])
        if not is_keyed(request) and is_limited(
            request._request, "broadcast.listen_back"
        ):
            raise exceptions.Throttled()
        programs = services.listen_back(unit).select_related("unit")
        page = paginate(programs, data)
        page["results"] = [
            {
                "uid": p.uid,
                "unit": unit_ref(p.unit),
                "title": p.title,
                "kind": p.kind,
                "language": p.language,
                "duration_seconds": p.duration_seconds,
                "created_at": p.created_at,
                "audio_url": absolute(
                    request, reverse("broadcast_listen_back_audio", args=[p.uid])
                ),
            }
            for p in page["results"]
        ]
        return Response(s.ProgramPage(page).data)
