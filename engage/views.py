"""Public pages of citizen interaction on a unit's host."""

from functools import wraps

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from base.ratelimit import LIMITED_MESSAGE, client_ip, is_limited, ratelimit
from base.units import unit_or_404
from search import services as search

from . import pending, services, tokens
from .charts import survey_results
from .choices import QuestionStatus
from .forms import (
    FeedbackForm,
    FeedbackRatingForm,
    QuestionForm,
    SiteRatingForm,
    SurveyAnswerForm,
)
from .models import Feedback, Question, Survey
from .pipeline import PUBLIC_STATUSES

INVALID = gettext_lazy("Chưa gửi được: vui lòng sửa các mục được đánh dấu bên dưới.")


def lookup_ratelimit(view):
    """Tracking-code look-ups (RATELIMITS["engage.lookup"], GET): codes are
    not guessable one by one, but finding *some* among many must be slow."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "GET" and is_limited(
            request, "engage.lookup", method="GET"
        ):
            context = {"code": "", "error": LOOKUP_LIMITED}
            return render(request, "engage/track.html", context, status=429)
        return view(request, *args, **kwargs)

    return wrapped


LOOKUP_LIMITED = gettext_lazy(
    "Bạn đã tra cứu quá nhiều mã trong thời gian ngắn. Vui lòng chờ một phút "
    "rồi thử lại."
)


def _public_url(item):
    """The item's public page in the reader's language (/km/… for Khmer):
    ``public_url()`` is the Vietnamese address."""
    name = "engage:question" if isinstance(item, Question) else "engage:feedback_detail"
    return reverse(name, args=[item.code])


def _limited(request, template, context):
    context["error"] = gettext_lazy(LIMITED_MESSAGE)
    return render(request, template, context, status=429)


# --- questions ---------------------------------------------------------------------


def question_list(request):
    unit = unit_or_404()
    q = request.GET.get("q", "")[:200].strip()
    results = None
    if q:
        results = search.search(q, scope_unit=unit, scope="unit", kinds=["question"])
        codes = [h.extra.get("code") for h in results.hits]
        answered = {x.code: x for x in Question.objects.filter(code__in=codes)}
        items = [answered[c] for c in codes if c in answered]
    else:
        items = Question.objects.filter(unit=unit, status=QuestionStatus.ANSWERED)[:30]
    return render(
        request,
        "engage/question_list.html",
        {"items": items, "q": q, "results": results},
    )


@ratelimit("engage.form", method="POST")
def ask_question(request):
    unit = unit_or_404()
    form = QuestionForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST":
        if request.limited:
            return _limited(request, "engage/ask.html", context)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
            question = services.ask_question(unit=unit, **data)
            return redirect("engage:question_sent", code=question.code)
        context["error"] = INVALID
    return render(request, "engage/ask.html", context)


@lookup_ratelimit
def question_sent(request, code):
    question = get_object_or_404(Question, code=code, unit=unit_or_404())
    context = {"item": question, "kind": "question", "item_url": _public_url(question)}
    return render(request, "engage/sent.html", context)


@lookup_ratelimit
def question_detail(request, code):
    question = services.question_for_host(code, unit_or_404())
    if question is None:
        raise Http404("Không tìm thấy câu hỏi.")
    return render(request, "engage/question_detail.html", {"item": question})


def similar_questions(request):
    """Answered questions like the one being typed (JSON, from the index)."""
    unit = unit_or_404()
    text = request.GET.get("q", "")[:300]
    words = text.split()
    if len(words) < 2:
        return JsonResponse({"similar": []})
    # Any of the words may match: OR query over the significant words.
    query = " or ".join(w for w in words if len(w) > 2)[:300]
    results = search.search(
        query,
        scope_unit=unit,
        scope="district",
        kinds=["question"],
        page_size=5,
        with_facets=False,
    )
    return JsonResponse(
        {
            "similar": [
                {"title": h.title, "url": h.url, "snippet": str(h.snippet)}
                for h in results.hits
            ]
        }
    )


# --- feedback ----------------------------------------------------------------------


def _portal_units(unit):
    """The unit and, on a district or provincial portal, the units below."""
    if unit.kind not in ("province", "district"):
        return []
    return list(
        unit.descendants(include_self=True).exclude(kind="department").order_by("path")
    )


def feedback_list(request):
    """Published results; a portal shows its communes' too, by unit, each
    linked on the host of the unit that handles it."""
    unit = unit_or_404()
    units = _portal_units(unit)
    chosen = None
    items = Feedback.objects.filter(status__in=PUBLIC_STATUSES).select_related("unit")
    if units:
        chosen = next((u for u in units if u.code == request.GET.get("don-vi")), None)
        items = items.filter(unit__in=[chosen] if chosen else units)
    else:
        items = items.filter(unit=unit)
    items = list(items.order_by("-answered_at", "-pk")[:50])
    hosts = services.hostnames({i.unit_id for i in items} - {unit.pk})
    port = request.get_port()
    suffix = "" if str(port) in ("80", "443") else f":{port}"
    for item in items:
        host = hosts.get(item.unit_id)
        item.link = (
            f"{request.scheme}://{host}{suffix}{item.public_url()}"
            if host
            else _public_url(item)
        )
    return render(
        request,
        "engage/feedback_list.html",
        {"items": items, "units": units, "chosen": chosen, "unit": unit},
    )


@ratelimit("engage.form", method="POST")
def send_feedback(request):
    unit = unit_or_404()
    form = FeedbackForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST":
        if request.limited:
            return _limited(request, "engage/feedback_form.html", context)
        if form.is_valid():
            data = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in ("website", "photos")
            }
            feedback = services.file_feedback(
                unit=unit, photos=form.cleaned_data["photos"], **data
            )
            pending.release(form.kept_tokens())
            # The rating key travels only to the sender (this redirect, mail).
            sent = reverse("engage:feedback_sent", args=[feedback.code])
            return redirect(f"{sent}?k={tokens.rating_key(feedback)}")
        context["error"] = INVALID
        if "photos" not in form.errors:
            form.keep_photos()
    return render(request, "engage/feedback_form.html", context)


def _host_feedback(code):
    feedback = services.feedback_for_host(code, unit_or_404())
    if feedback is None:
        raise Http404("Không tìm thấy phản ánh, kiến nghị.")
    return feedback


@lookup_ratelimit
def feedback_sent(request, code):
    feedback = _host_feedback(code)
    url = _public_url(feedback)
    context = {"item": feedback, "kind": "feedback", "item_url": url}
    if tokens.rating_key_ok(feedback, request.GET.get("k")):
        context["rating_url"] = f"{url}?k={tokens.rating_key(feedback)}"
    return render(request, "engage/sent.html", context)


@lookup_ratelimit
@ratelimit("engage.form", method="POST")
def feedback_detail(request, code):
    feedback = _host_feedback(code)
    # Only the sender holds the rating key (the code itself is public).
    key = request.POST.get("k") or request.GET.get("k")
    is_sender = tokens.rating_key_ok(feedback, key)
    can_rate = feedback.is_public and feedback.rating is None and is_sender
    form = FeedbackRatingForm(request.POST or None) if can_rate else None
    context = {
        "item": feedback,
        "form": form,
        "rating_key": key if is_sender else "",
        "rating_needs_key": feedback.is_public and feedback.rating is None,
    }
    if request.method == "POST" and can_rate:
        if request.limited:
            return _limited(request, "engage/feedback_detail.html", context)
        if form.is_valid():
            feedback.rating = form.cleaned_data["rating"]
            feedback.rating_comment = form.cleaned_data["rating_comment"]
            feedback.save(update_fields=["rating", "rating_comment", "updated_at"])
            messages.success(
                request, gettext_lazy("Cảm ơn bạn đã đánh giá kết quả xử lý.")
            )
            return redirect(_public_url(feedback))
        context["error"] = INVALID
    return render(request, "engage/feedback_detail.html", context)


@lookup_ratelimit
def track(request):
    """Tra cứu hồ sơ: follow a question or feedback by its code."""
    code = request.GET.get("ma", "")[:20].strip()
    context = {"code": code}
    if code:
        item = services.find_by_code(code, unit_or_404())
        if item is None:
            context["error"] = gettext_lazy(
                "Không tìm thấy mã “%(code)s”. Hãy kiểm tra lại mã theo dõi "
                "(bắt đầu bằng H hoặc P, 9 ký tự)."
            ) % {"code": code}
        else:
            return redirect(_public_url(item))
    return render(request, "engage/track.html", context)


# --- surveys -------------------------------------------------------------------------


BALLOT_EXPIRED = gettext_lazy(
    "Phiếu trả lời đã hết hạn hoặc không hợp lệ. Các câu trả lời của bạn vẫn "
    "được giữ nguyên, vui lòng bấm “Gửi ý kiến” lại."
)


def _per_survey(survey):
    """Rate key: the client's address, counted per survey."""

    def key(group, request):
        return f"{client_ip(group, request)}:{survey.pk}"

    return key


def cookie_name(survey):
    return f"ttcs_khao_sat_{survey.pk}"


def survey_list(request):
    unit = unit_or_404()
    surveys = Survey.objects.filter(unit=unit, is_published=True)
    return render(request, "engage/survey_list.html", {"surveys": surveys})


@ratelimit("engage.form", method="POST")
def survey_detail(request, pk):
    unit = unit_or_404()
    survey = get_object_or_404(Survey, pk=pk, unit=unit, is_published=True)
    token = request.COOKIES.get(cookie_name(survey))
    answered = bool(token) and survey.responses.filter(token=token).exists()
    form = SurveyAnswerForm(survey, request.POST or None)
    # A fresh signed ballot on every form shown; the one posted counts once.
    context = {
        "survey": survey,
        "form": form,
        "answered": answered,
        "ballot": tokens.issue_ballot(survey),
    }
    if not survey.is_open:
        context["closed"] = True
        return render(request, "engage/survey_detail.html", context)
    if request.method == "POST" and not answered:
        if request.limited:
            return _limited(request, "engage/survey_detail.html", context)
        nonce = tokens.ballot_nonce(survey, request.POST.get("ballot"))
        if nonce is None:
            context["error"] = BALLOT_EXPIRED
            return render(request, "engage/survey_detail.html", context, status=400)
        if is_limited(request, "engage.survey_answer", key=_per_survey(survey)):
            return _limited(request, "engage/survey_detail.html", context)
        if form.is_valid():
            token = nonce
            if not services.answer_survey(survey, form, token):
                context["answered"] = True
                return render(request, "engage/survey_detail.html", context)
            result = redirect("engage:survey_results", pk=survey.pk)
            result.set_cookie(
                cookie_name(survey),
                token,
                max_age=365 * 24 * 3600,
                httponly=True,
                samesite="Lax",
            )
            messages.success(request, gettext_lazy("Cảm ơn bạn đã tham gia khảo sát."))
            return result
        context["error"] = INVALID
    return render(request, "engage/survey_detail.html", context)


def survey_results_view(request, pk):
    unit = unit_or_404()
    survey = get_object_or_404(Survey, pk=pk, unit=unit, is_published=True)
    if not survey.show_results:
        raise Http404("Kết quả khảo sát này không công khai.")
    return render(
        request,
        "engage/survey_results.html",
        {
            "survey": survey,
            "results": survey_results(survey),
            "count": survey.responses.count(),
        },
    )


# --- site rating ---------------------------------------------------------------------


@ratelimit("engage.form", method="POST")
def rate_site(request):
    unit = unit_or_404()
    form = SiteRatingForm(request.POST or None)
    context = {
        "form": form,
        "summary": services.rating_summary(unit),
        "levels": services.ratings_by_level(unit),
    }
    if request.method == "POST":
        if request.limited:
            return _limited(request, "engage/rate_site.html", context)
        if form.is_valid():
            rating = form.save(commit=False)
            rating.unit = unit
            rating.save()
            messages.success(
                request, gettext_lazy("Cảm ơn bạn đã đánh giá trang thông tin.")
            )
            return redirect("engage:rate_site")
        context["error"] = INVALID
    return render(request, "engage/rate_site.html", context)
