"""Every admin URL of a unit refuses another unit's rows, for every role.

The URLs are not listed by hand: ``admin_urls()`` walks the tenant URL
resolver under ``/admin/`` and keeps

- every view of a Wagtail viewset over a public-schema model (the tables
  every unit shares: boards, clusters, questions, ...), whatever its kind
  (index, results, add, edit, copy, delete, history, usage, inspect, and any
  view a later viewset or Wagtail release adds), and
- every view a project app registers with ``register_admin_urls``.

A new viewset is covered by itself (``_generic_row`` makes the other unit's
row of a model ``_victims()`` does not know); a new hand-written view fails
``test_every_hand_written_admin_view_is_walked`` until it is added to
``HAND_WRITTEN`` with the objects its URL takes.

The rows belong to commune 90201 (district 902). They are attacked from the
admin of commune 90101 (its editor and its approver) and of district 901 (an
officer of another subtree), by GET and by POST with the row's own values
(edited): each answer is a refusal (403, 404 or a redirect), the row's
secrets (title, the citizen's phone) never show, and nothing in 90201
changes.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import models
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from tests.utils import admin_client

pytestmark = pytest.mark.django_db

SECRET = "Bimat90201x"
PHONE = "0988777666"
PROJECT_APPS = {
    "alerts",
    "api",
    "base",
    "broadcast",
    "bulletins",
    "central",
    "cms",
    "engage",
    "reports",
    "search",
    "signage",
    "social",
    "syndication",
    "tenants",
    "themes",
}
PUBLIC_APPS = {app.split(".")[-1] for app in settings.SHARED_APPS} - {
    app.split(".")[-1] for app in settings.TENANT_APPS
}
REFUSED = {302, 403, 404, 405}


# --- the URLs -----------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield SimpleNamespace(
                name=namespace + entry.name,
                route=route,
                callback=entry.callback,
                params=list(entry.pattern.converters),
            )


def _model_of(callback):
    model = getattr(callback, "view_initkwargs", {}).get("model")
    if model is None:
        model = getattr(getattr(callback, "view_class", None), "model", None)
    return (
        model if isinstance(model, type) and issubclass(model, models.Model) else None
    )


def _module_of(callback):
    view_class = getattr(callback, "view_class", None)
    return (view_class or callback).__module__.split(".")[0]


def admin_urls():
    """(viewset URLs over public models, hand-written project URLs)."""
    viewset, hand_written = [], []
    for url in _walk(get_resolver(settings.ROOT_URLCONF).url_patterns):
        if not url.route.startswith("admin/"):
            continue
        model = _model_of(url.callback)
        if model is not None and model._meta.app_label in PUBLIC_APPS:
            url.model = model
            viewset.append(url)
        elif model is None and _module_of(url.callback) in PROJECT_APPS:
            hand_written.append(url)
    return viewset, hand_written


VIEWSET_URLS, HAND_WRITTEN_URLS = admin_urls()


# --- the other unit's rows ------------------------------------------------------------


def _victims(unit):
    from broadcast.models import Delivery, Dispatch, Program, SpeakerCluster, Stream
    from broadcast.models import Schedule as SpeakerSchedule
    from bulletins.models import Attachment
    from engage.models import Feedback, FeedbackPhoto, Question, SiteRating, Survey
    from reports.models import LegacyStation, PeriodicReport, ReportPeriod
    from signage.models import Board, BoardGroup, Interrupt, Playlist, Schedule, Slide
    from tests.factories.bulletins import make_officer, make_sent_bulletin

    now = timezone.now()
    playlist = Playlist.objects.create(unit=unit, name=f"DS {SECRET}")
    board = Board.objects.create(
        unit=unit, name=f"Bảng {SECRET}", default_playlist=playlist
    )
    schedule = Schedule.objects.create(
        unit=unit,
        name=f"Lịch {SECRET}",
        playlist=playlist,
        start_time=dt.time(7),
        end_time=dt.time(9),
    )
    schedule.boards.set([board])
    group = BoardGroup.objects.create(unit=unit, name=f"Nhóm {SECRET}")
    group.boards.set([board])
    schedule.groups.set([group])
    with tenant_context(unit):  # media live per unit, as the player's would
        board.screenshot.save("bimat-man-hinh.png", ContentFile(_png()))
    interrupt = Interrupt.objects.create(
        unit=unit, title=f"Ngắt {SECRET}", expires_at=now + dt.timedelta(hours=1)
    )
    cluster = SpeakerCluster.objects.create(
        unit=unit, name=f"Cụm {SECRET}", device_id=f"loa-{SECRET.lower()}", volume=7
    )
    program = Program.objects.create(unit=unit, title=f"Chương trình {SECRET}")
    dispatch = Dispatch.objects.create(
        unit=unit,
        program=program,
        priority="normal",
        expires_at=now + dt.timedelta(hours=1),
    )
    officer = make_officer(unit.parent)
    bulletin = make_sent_bulletin(
        officer, units=[unit], title=f"Tin {SECRET}", channels=("web", "board")
    )
    rows = SimpleNamespace(
        unit=unit,
        bulletin=bulletin,
        attachment=Attachment.objects.create(
            bulletin=bulletin,
            file=ContentFile(b"%PDF-1.4 secret", name="bimat.pdf"),
            kind="pdf",
            name=f"{SECRET}.pdf",
        ),
        speaker_schedule=SpeakerSchedule.objects.create(unit=unit, program=program),
        program=program,
        dispatch=dispatch,
        by_model={
            Board: board,
            BoardGroup: group,
            Playlist: playlist,
            Slide: Slide.objects.create(playlist=playlist, title=f"Trang {SECRET}"),
            Schedule: schedule,
            Interrupt: interrupt,
            SpeakerCluster: cluster,
            Delivery: Delivery.objects.create(dispatch=dispatch, cluster=cluster),
            Stream: Stream.objects.create(
                unit=unit,
                kind="live",
                title=f"Luồng {SECRET}",
                state="on_air",
                dispatch=dispatch,
            ),
            Question: Question.objects.create(
                unit=unit,
                code="HBIMAT01",
                title=f"Hỏi {SECRET}",
                body="Nội dung câu hỏi",
                phone=PHONE,
            ),
            Feedback: Feedback.objects.create(
                unit=unit,
                filed_with=unit,
                code="PBIMAT01",
                title=f"Phản ánh {SECRET}",
                body="Nội dung phản ánh",
                phone=PHONE,
            ),
            Survey: Survey.objects.create(
                unit=unit,
                title=f"Khảo sát {SECRET}",
                opens_at=now,
                closes_at=now + dt.timedelta(days=7),
            ),
            SiteRating: SiteRating.objects.create(
                unit=unit, interface=2, content=2, usefulness=2, comment=SECRET
            ),
        },
    )
    feedback = rows.by_model[Feedback]
    rows.photo = FeedbackPhoto.objects.create(
        feedback=feedback, image=ContentFile(_png(), name="bimat.png")
    )
    rows.period = ReportPeriod.objects.create(
        unit=unit.parent,
        title=f"Kỳ {SECRET}",
        starts_on=now.date(),
        ends_on=now.date(),
        deadline=now.date() + dt.timedelta(days=10),
    )
    rows.report = PeriodicReport.objects.create(
        period=rows.period, unit=unit, results=SECRET
    )
    rows.by_model[PeriodicReport] = rows.report
    rows.by_model[LegacyStation] = LegacyStation.objects.create(
        unit=unit, name=f"Đài {SECRET}", kind="wired"
    )
    rows.by_model[Program] = program
    rows.by_model[Dispatch] = dispatch
    rows.by_model[SpeakerSchedule] = rows.speaker_schedule
    from alerts.models import CapIntake, CapSource

    source = CapSource.objects.create(
        unit=unit, name=f"Nguồn {SECRET}", url="http://127.0.0.1:9/cap.xml"
    )
    rows.by_model[CapSource] = source
    rows.by_model[CapIntake] = CapIntake.objects.create(
        source=source, identifier=f"cap-{SECRET}", outcome="refused", reason=SECRET
    )
    return rows


def _generic_row(model, victims):
    """A row of another unit for a model _victims() does not know yet (a new
    viewset is walked without code here): its unit, the secret in its texts,
    the other unit's rows for its foreign keys, simple values elsewhere."""
    from tenants.models import Unit

    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.has_default() or field.null:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if field.is_relation:
            related = field.related_model
            values[field.name] = (
                victims.unit if related is Unit else victims.by_model.get(related)
            )
            assert values[field.name] is not None, (
                f"{model._meta.label}.{field.name}: add a row of "
                f"{related._meta.label} to _victims()"
            )
        elif field.choices:
            values[field.name] = field.choices[0][0]
        elif isinstance(field, (models.CharField, models.TextField)):
            values[field.name] = f"{SECRET} {model._meta.model_name}"[
                : field.max_length or 200
            ]
        elif isinstance(field, models.DateTimeField):
            values[field.name] = timezone.now()
        elif isinstance(field, models.DateField):
            values[field.name] = timezone.localdate()
        elif isinstance(field, models.TimeField):
            values[field.name] = dt.time(8)
        elif isinstance(field, (models.IntegerField, models.FloatField)):
            values[field.name] = 1
    row = model._default_manager.create(**values)
    victims.by_model[model] = row
    return row


def _png():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


# Hand-written admin views and the objects of the other unit their URLs take
# (None: the view takes no object and acts on the admin's own unit).
HAND_WRITTEN = {
    "signage_admin_pair": lambda v: {"pk": v.by_model[_m("signage.Board")].pk},
    "signage_admin_pair_new": None,
    "signage_admin_board_control": lambda v: {"pk": v.by_model[_m("signage.Board")].pk},
    "signage_admin_group_control": lambda v: {
        "pk": v.by_model[_m("signage.BoardGroup")].pk
    },
    "signage_admin_group_screenshot": lambda v: {
        "pk": v.by_model[_m("signage.BoardGroup")].pk,
        "board_pk": v.by_model[_m("signage.Board")].pk,
    },
    "signage_admin_interrupt_now": None,
    "signage_admin_clear_interrupt": lambda v: {
        "pk": v.by_model[_m("signage.Interrupt")].pk
    },
    "signage_admin_overview": None,
    "signage_admin_plays_csv": None,
    "engage_subtree": None,
    "engage_subtree_unit": lambda v: {"code": v.unit.code},
    "broadcast_admin_index": None,
    "broadcast_admin_program_add": None,
    "broadcast_admin_schedule_add": None,
    "broadcast_admin_schedule_edit": lambda v: {"pk": v.speaker_schedule.pk},
    "broadcast_admin_schedule_stop": lambda v: {"pk": v.speaker_schedule.pk},
    "broadcast_admin_program_edit": lambda v: {"pk": v.program.pk},
    "broadcast_admin_program_delete": lambda v: {"pk": v.program.pk},
    "broadcast_admin_emergency": None,
    "broadcast_admin_subtree_schedules": None,
    "broadcast_admin_dispatch": lambda v: {"pk": v.dispatch.pk},
    "broadcast_admin_dispatch_stop": lambda v: {"pk": v.dispatch.pk},
    "broadcast_admin_cluster_add": None,
    "broadcast_admin_cluster_log": lambda v: {
        "pk": v.by_model[_m("broadcast.SpeakerCluster")].pk
    },
    "broadcast_admin_cluster_fm": lambda v: {
        "pk": v.by_model[_m("broadcast.SpeakerCluster")].pk
    },
    "broadcast_admin_streams": None,
    "broadcast_admin_relay_add": None,
    "broadcast_admin_stream_live": None,
    "broadcast_admin_stream_live_start": None,
    "broadcast_admin_stream": lambda v: {"pk": v.by_model[_m("broadcast.Stream")].pk},
    "broadcast_admin_stream_stop": lambda v: {
        "pk": v.by_model[_m("broadcast.Stream")].pk
    },
    "broadcast_admin_stream_chunk": lambda v: {
        "pk": v.by_model[_m("broadcast.Stream")].pk
    },
    "broadcast_admin_cluster_credentials": lambda v: {
        "pk": v.by_model[_m("broadcast.SpeakerCluster")].pk
    },
    "broadcast_admin_cluster_rotate": lambda v: {
        "pk": v.by_model[_m("broadcast.SpeakerCluster")].pk
    },
    "broadcast_admin_cluster_revoke": lambda v: {
        "pk": v.by_model[_m("broadcast.SpeakerCluster")].pk
    },
    "bulletins_list": None,
    "bulletins_create": None,
    "bulletins_detail": lambda v: {"pk": v.bulletin.pk},
    "bulletins_send": lambda v: {"pk": v.bulletin.pk},
    "bulletins_withdraw": lambda v: {"pk": v.bulletin.pk},
    "bulletins_unit": None,
    "bulletins_enter_unit": None,
    "bulletins_file": lambda v: {"pk": v.attachment.pk},
    "bulletins_inbox": None,
    "bulletins_inbox_detail": lambda v: {"pk": v.bulletin.pk},
    "bulletins_inbox_file": lambda v: {"pk": v.attachment.pk},
    "engage_feedback_photo": lambda v: {"pk": v.photo.pk},
    "reports_dashboard": None,
    "reports_download": None,
    "reports_targets": None,
    "reports_registries": None,
    "reports_periods": None,
    "reports_period": lambda v: {"pk": v.period.pk},
    "reports_review": lambda v: {"pk": v.report.pk},
    "reports_own_report": lambda v: {"pk": v.report.pk},
    "reports_unit_list": None,
    "reports_unit_edit": lambda v: {"pk": v.report.pk},
    "reports_unit_registries": None,
    # Translation sources live in each unit's own schema: another unit's are
    # not even addressable; an unknown id must be a 404.
    "cms_update_translations": lambda v: {"translation_source_id": 10**9},
    # Wagtail's page editor (cms/admin_edit.py): pages too live in the unit's
    # own schema.
    "cms_page_edit": lambda v: {"page_id": 10**9},
}


# Form values a view needs beyond the common ones (its own "kind").
POST_EXTRA = {
    "signage_admin_board_control": {"kind": "screen_off"},
    "signage_admin_group_control": {"kind": "screen_off"},
}


def _m(label):
    return apps.get_model(label)


def _snapshot(victims):
    """What an attack could change in the other unit: its rows' values and how
    many rows of each model it has."""
    unit = victims.unit
    state = {}
    for model, row in victims.by_model.items():
        fresh = model._default_manager.filter(pk=row.pk).first()
        state[model._meta.label] = (
            None
            if fresh is None
            else {
                k: v
                for k, v in model_to_dict(fresh).items()
                if not isinstance(v, models.fields.files.FieldFile)
            }
        )
    for label, lookup in (
        ("signage.Board", "unit"),
        ("signage.BoardGroup", "unit"),
        ("signage.Playlist", "unit"),
        ("signage.Slide", "playlist__unit"),
        ("signage.Schedule", "unit"),
        ("signage.Interrupt", "unit"),
        ("signage.BoardCommand", "board__unit"),
        ("broadcast.SpeakerCluster", "unit"),
        ("broadcast.Program", "unit"),
        ("broadcast.Schedule", "unit"),
        ("broadcast.Dispatch", "unit"),
        ("broadcast.Delivery", "dispatch__unit"),
        ("engage.Question", "unit"),
        ("engage.Feedback", "unit"),
        ("engage.Survey", "unit"),
        ("engage.SiteRating", "unit"),
        ("bulletins.Delivery", "unit"),
        ("reports.PeriodicReport", "unit"),
        ("reports.LegacyStation", "unit"),
        ("engage.FeedbackPhoto", "feedback__unit"),
    ):
        count = _m(label)._default_manager.filter(**{lookup: unit}).count()
        state[f"count {label}"] = count
    for model in victims.by_model:  # rows _generic_row() made too
        if any(f.name == "unit" for f in model._meta.concrete_fields):
            count = model._default_manager.filter(unit=unit).count()
            state[f"count {model._meta.label}"] = count
    # Another unit's group, schedule or interrupt reaching its boards (a
    # district's groups may hold boards of its own subtree only).
    state["groups holding its boards"] = (
        _m("signage.BoardGroup").objects.filter(boards__unit=unit).count()
    )
    state["schedules reaching its boards"] = (
        _m("signage.Schedule").objects.filter(groups__boards__unit=unit).count()
    )
    state["interrupts reaching its boards"] = (
        _m("signage.Interrupt").objects.filter(groups__boards__unit=unit).count()
    )
    state["deliveries"] = sorted(
        _m("bulletins.Delivery")
        .objects.filter(unit=unit)
        .values_list("channel", "state")
    )
    return state


def _post_data(row):
    """The row's own form values, its texts edited: what an attacker who saw
    the edit form would post to change it (or to copy it)."""
    data = {}
    for name, value in model_to_dict(row).items():
        if isinstance(value, models.fields.files.FieldFile) or value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif isinstance(value, str):
            # Without the secrets: an add form shows back what was posted.
            value = value.replace(SECRET, "").replace(PHONE, "0900000000")
            data[name] = f"Đã sửa {value}"
        elif isinstance(value, dt.datetime):
            data[name] = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        elif isinstance(value, (dt.date, dt.time)):
            data[name] = value.isoformat()
        else:
            data[name] = value
    return data


# --- who attacks ---------------------------------------------------------------------


ROLES = ("editor", "approver", "district_officer")


def _attacker(tree, role):
    unit = tree.district_a if role == "district_officer" else tree.commune_a1
    groups = {
        "editor": [settings.UNIT_EDITOR_GROUP],
        "approver": [settings.UNIT_APPROVER_GROUP],
        "district_officer": [settings.UNIT_EDITOR_GROUP, settings.UNIT_APPROVER_GROUP],
    }[role]
    with tenant_context(unit):
        user = get_user_model().objects.create_user(
            f"tan-cong-{role}", password="mat-khau-dai-123"
        )
        user.groups.add(*Group.objects.filter(name__in=groups))
    return admin_client(unit, user)


def _assert_refused(response, url, method):
    if response.streaming:
        body = b"".join(response.streaming_content).decode(errors="replace")
    else:
        body = response.content.decode(errors="replace")
    assert SECRET not in body and PHONE not in body, (
        f"{method} {url} shows the other unit's row"
    )


def _attack(client, path, data, victims, *, object_view):
    before = _snapshot(victims)
    get = client.get(path)
    _assert_refused(get, path, "GET")
    if object_view:
        assert get.status_code in REFUSED, f"GET {path} answered {get.status_code}"
    post = client.post(path, data)
    _assert_refused(post, path, "POST")
    if object_view:
        assert post.status_code in REFUSED, f"POST {path} answered {post.status_code}"
    assert _snapshot(victims) == before, f"POST {path} changed the other unit"


# --- the tests -----------------------------------------------------------------------


def test_the_walk_finds_the_admin_of_every_public_model_app():
    """The resolver walk is not empty or partial (a broken walk would make
    the parametrised tests below pass vacuously)."""
    names = {url.name for url in VIEWSET_URLS}
    for expected in (
        "cum-loa:edit",
        "cum-loa:copy",
        "cum-loa:history",
        "cum-loa:usage",
        "engage_question:copy",
        "engage_feedback:edit",
        "signage_boards:delete",
        "signage_slides:edit",
        "trang-thai-phat:edit",
    ):
        assert expected in names
    assert {url.name for url in HAND_WRITTEN_URLS} >= {
        "signage_admin_interrupt_now",
        "broadcast_admin_emergency",
        "bulletins_inbox_detail",
    }


def test_every_hand_written_admin_view_is_walked():
    missing = {url.name for url in HAND_WRITTEN_URLS} - set(HAND_WRITTEN)
    assert not missing, (
        f"new admin views {sorted(missing)}: add them to HAND_WRITTEN with the "
        "objects their URL takes, so the isolation walk covers them"
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", VIEWSET_URLS, ids=lambda url: url.name)
def test_viewset_url_refuses_another_units_row(tree, role, url):
    victims = _victims(tree.commune_b1)
    client = _attacker(tree, role)
    row = victims.by_model.get(url.model) or _generic_row(url.model, victims)
    kwargs = {"pk": row.pk} if "pk" in url.params else {}
    assert set(url.params) <= set(kwargs), f"{url.name}: unknown {url.params}"
    path = reverse(url.name, kwargs=kwargs)
    _attack(client, path, _post_data(row), victims, object_view=bool(kwargs))
    if not kwargs:  # listings, exports too, show none of the other unit's rows
        _assert_refused(client.get(path, {"export": "csv"}), path, "GET export")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "url", HAND_WRITTEN_URLS, ids=lambda url: url.name.replace(":", "-")
)
def test_hand_written_admin_url_refuses_another_units_row(tree, role, url):
    assert url.name in HAND_WRITTEN, f"{url.name} missing from HAND_WRITTEN"
    victims = _victims(tree.commune_b1)
    client = _attacker(tree, role)
    takes = HAND_WRITTEN[url.name]
    kwargs = takes(victims) if takes else {}
    path = reverse(url.name, kwargs=kwargs)
    # What the forms of these views would take, pointed at the other unit:
    # its program, its units, its boards, its clusters.
    data = {
        "title": "Đã sửa",
        "text": "Thông báo thử nghiệm.",
        "minutes": "1",
        "confirm": "1",
        "code": "ABCDEF",
        "program": victims.program.pk,
        "target_units": [victims.unit.pk],
        "target_clusters": [victims.by_model[_m("broadcast.SpeakerCluster")].pk],
        "kind": "once",
        "priority": "emergency",
        "starts_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "action": "decline",
        "reason": "Không phù hợp",
        "public": "on",
        **POST_EXTRA.get(url.name, {}),
    }
    _attack(client, path, data, victims, object_view=bool(kwargs))
