"""Wagtail's page editor, with its autosave made safe against approval (ux B2).

Wagtail 8's autosave posts the editor's form in the background. An approver
who opened a page in review, touched a field and pressed "Duyệt và xuất bản"
could have an autosave land just after the publish: loaded before the
publish committed, it wrote the page row back as not live (the page left
unpublished while already syndicated); loaded after, it made a draft by the
approver on top of the page just published.

Served at Wagtail's own URL (config/urls_tenant.py, before the admin's), the
editor here:

- runs every POST (autosave, save, publish, workflow action) of one page one
  after the other: the page row is locked for the request, so Wagtail loads
  the page only once an earlier write has committed;
- remembers, in the session, when the page was last published as the editor
  was opened (each GET of the editor, so also after "Lưu nháp", which comes
  back to it); an autosave that arrives after the page was published (or
  unpublished) since then is refused as out of date, as Wagtail refuses one
  over a newer revision, and saves nothing. Explicit saves are unchanged.
"""

from django.contrib import messages
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.viewsets.pages import page_viewset_registry
from wagtail.models import Page

_wagtail_edit = page_viewset_registry.as_view("edit", page_id_kwarg="page_id")

STALE_MESSAGE = (
    "Trang vừa được xuất bản (hoặc gỡ xuống) sau khi bạn mở trình soạn thảo, "
    "nên bản tự động lưu không được ghi đè lên. Hãy tải lại trang để sửa tiếp."
)


def _session_key(page_id):
    return f"cms-editor-opened:{page_id}"


def _published_mark(page):
    """What an editor saw of the page's publication when opening it."""
    stamp = page.last_published_at
    return f"{int(page.live)}|{stamp.isoformat() if stamp else ''}"


def is_autosave(request):
    """Wagtail's background save asks for JSON, not a page."""
    return request.method == "POST" and not request.accepts("text/html")


@require_admin_access
@never_cache
def edit(request, page_id):
    if request.method != "POST":
        response = _wagtail_edit(request, page_id=page_id)
        if response.status_code == 200 and not is_autosave(request):
            page = Page.objects.filter(pk=page_id).only("live", "last_published_at")
            page = page.first()
            if page is not None:
                request.session[_session_key(page_id)] = _published_mark(page)
        return response
    # Read before waiting for the lock: an approval this request queues
    # behind must not be mistaken for what the editor saw.
    opened = request.session.get(_session_key(page_id))
    with transaction.atomic():
        page = (
            Page.objects.select_for_update()
            .filter(pk=page_id)
            .only("live", "last_published_at")
            .first()
        )
        if (
            page is not None
            and is_autosave(request)
            and opened is not None
            and opened != _published_mark(page)
        ):
            return JsonResponse(
                {
                    "success": False,
                    "error_code": "invalid_revision",
                    "error_message": STALE_MESSAGE,
                },
                status=400,
            )
        response = _wagtail_edit(request, page_id=page_id)
    _say_what_the_workflow_did(request, page_id)
    return response


def _say_what_the_workflow_did(request, page_id):
    """Wagtail says "Đã lưu trang" after approve or reject from the editor
    (ux §6.2): say what happened to the page instead."""
    action = request.POST.get("workflow-action-name")
    if not request.POST.get("action-workflow-action") or action not in (
        "approve",
        "reject",
    ):
        return
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", None)
    page = Page.objects.filter(pk=page_id).first()
    if not queued or page is None:
        return
    title = page.get_admin_display_title()
    if action == "reject":
        text = f"Đã yêu cầu sửa trang “{title}”; người soạn sẽ thấy ý kiến của bạn."
    elif page.live and page.current_workflow_state is None:
        text = f"Đã duyệt và xuất bản trang “{title}”."
    else:
        text = f"Đã duyệt trang “{title}”; trang chuyển sang bước duyệt tiếp theo."
    for message in queued:
        if message.level == messages.SUCCESS:
            message.message = text
