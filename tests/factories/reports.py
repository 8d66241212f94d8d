"""Factories for the reports tests: rows of the apps that own the data,
dated where the indicator looks at dates."""

import datetime
import itertools
from zoneinfo import ZoneInfo

from django.utils import timezone

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_seq = itertools.count(1)


def at(day, hour=9):
    """An aware moment on a local day (``day`` is a date or 'YYYY-MM-DD')."""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return datetime.datetime.combine(day, datetime.time(hour), TZ)


def make_hamlet(unit, name, **fields):
    from tenants.models import Hamlet

    return Hamlet.objects.create(unit=unit, name=name, **fields)


def make_cluster(unit, hamlet=None, created=None, **fields):
    from broadcast import services
    from broadcast.models import SpeakerCluster

    made, _ = services.create_cluster(
        unit,
        f"Cụm loa {next(_seq)}",
        device_id=f"rpt-{next(_seq)}",
        hamlet_ref=hamlet,
        **fields,
    )
    if created:
        SpeakerCluster.objects.filter(pk=made.pk).update(created_at=created)
    return made


def make_board(unit, paired=None, **fields):
    from signage.models import Board

    return Board.objects.create(
        unit=unit,
        name=f"Bảng {next(_seq)}",
        token_hash=f"{next(_seq):064d}" if paired else "",
        paired_at=paired,
        **fields,
    )


def make_article(unit, published):
    from syndication.models import SyndicatedItem

    n = next(_seq)
    return SyndicatedItem.objects.create(
        unit=unit,
        unit_path=unit.path,
        page_id=n,
        page_type="cms.ArticlePage",
        url=f"http://{unit.slug}.example/bai-{n}/",
        title=f"Bài {n}",
        published_at=published,
    )


def make_department(province, code, name):
    from tenants.services import create_unit

    return create_unit(
        code=code,
        name=name,
        kind="department",
        structure=province.structure,
        parent=province,
        provision=False,
    )


def make_officer(unit, role="approver"):
    from tests.factories.bulletins import make_officer as officer

    return officer(unit, role=role)


def make_bulletin(sender, sent_at, priority="normal", **fields):
    from bulletins.models import Bulletin

    return Bulletin.objects.create(
        title=f"Tin {next(_seq)}",
        body="Nội dung",
        priority=priority,
        channels=["web"],
        target_mode="units",
        valid_from=sent_at,
        sender_unit=sender,
        status="sent",
        sent_at=sent_at,
        **fields,
    )


def make_delivery(bulletin, unit, state="sent", answered=None):
    from bulletins.models import Delivery, DeliveryTransition

    made = Delivery.objects.create(
        bulletin=bulletin, unit=unit, channel="web", state=state
    )
    if answered is not None:
        t = DeliveryTransition.objects.create(
            delivery=made, from_state="sent", to_state="received"
        )
        DeliveryTransition.objects.filter(pk=t.pk).update(at=answered)
    return made


def make_feedback(unit, created, status="received", answered=None, deadline=None):
    from engage.models import Feedback

    made = Feedback.objects.create(
        unit=unit, filed_with=unit, title="Đường hư", body="Đường hư hỏng."
    )
    Feedback.objects.filter(pk=made.pk).update(
        created_at=created,
        status=status,
        answered_at=answered,
        deadline=deadline or created + datetime.timedelta(days=15),
    )
    return made


def make_question(unit, created, status="pending"):
    from engage.models import Question

    made = Question.objects.create(unit=unit, title="Hỏi", body="Xin hỏi")
    Question.objects.filter(pk=made.pk).update(created_at=created, status=status)
    return made


def make_program(unit, kind="audio", language="vi"):
    from broadcast.models import Program

    return Program.objects.create(
        unit=unit, title=f"Chương trình {next(_seq)}", kind=kind, language=language
    )


def make_played(cluster, program, started, seconds):
    from broadcast.models import PlayLog

    return PlayLog.objects.create(
        cluster=cluster,
        unit=cluster.unit,
        program=program,
        started_at=started,
        ended_at=started + datetime.timedelta(seconds=seconds),
        seconds=seconds,
        result="done",
    )


def now():
    return timezone.now()
