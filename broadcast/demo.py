"""Yesterday's programmes for the demo: what the commune's clusters aired,
so "Nghe lại" (and the district's and province's, by unit) and the play
figures are not empty on a fresh demo.

Each programme is real speech (``create_tts_program``: espeak-ng, then MP3
through ffmpeg); its dispatch, the deliveries each cluster finished and the
accepted play reports are written as the listener records them after a
morning and an evening broadcast. Idempotent: a unit that already has a
demo programme is left as it is.
"""

import datetime as dt

from django.utils import timezone

from base.choices import Priority

from .choices import DeliveryState
from .models import Delivery, Dispatch, PlayLog, Program, SpeakerCluster
from .services.programs import create_tts_program

PROGRAMMES = [
    (
        dt.time(6, 0),
        "Bản tin sáng: lịch tiêm chủng mở rộng tháng này",
        "Kính thưa bà con. Trạm y tế tổ chức tiêm chủng mở rộng vào ngày mười "
        "lăm hằng tháng, từ bảy giờ đến mười một giờ sáng. Gia đình có trẻ đến "
        "lịch tiêm vui lòng mang theo sổ tiêm chủng.",
    ),
    (
        dt.time(17, 0),
        "Bản tin chiều: phòng chống sốt xuất huyết mùa mưa",
        "Kính thưa bà con. Mùa mưa là mùa muỗi vằn sinh sản. Mỗi gia đình hãy "
        "đậy kín dụng cụ chứa nước, thu dọn vật phế thải quanh nhà và ngủ màn, "
        "kể cả ban ngày. Khi sốt cao, hãy đến ngay trạm y tế.",
    ),
]


def create_demo_programmes(unit):
    """Yesterday's two programmes of ``unit`` on all its clusters."""
    titles = [title for _, title, _ in PROGRAMMES]
    if Program.objects.filter(unit=unit, title__in=titles).exists():
        return []
    clusters = list(SpeakerCluster.objects.filter(unit=unit, is_active=True))
    if not clusters:
        return []
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    made = []
    for at, title, text in PROGRAMMES:
        program = create_tts_program(unit, title, text, created_by="demo")
        started = timezone.make_aware(dt.datetime.combine(yesterday, at))
        Program.objects.filter(pk=program.pk).update(created_at=started)
        seconds = round(program.duration_seconds, 1)
        dispatch = Dispatch.objects.create(
            unit=unit,
            program=program,
            priority=Priority.NORMAL,
            created_at=started,
            expires_at=started + dt.timedelta(hours=1),
            target_count=len(clusters),
        )
        ended = started + dt.timedelta(seconds=seconds)
        for cluster in clusters:
            Delivery.objects.create(
                dispatch=dispatch,
                cluster=cluster,
                state=DeliveryState.DONE,
                attempts=1,
                sent_at=started,
                acknowledged_at=started + dt.timedelta(seconds=1),
                updated_at=ended,
            )
            PlayLog.objects.create(
                cluster=cluster,
                unit=unit,
                dispatch=dispatch,
                program=program,
                started_at=started,
                ended_at=ended,
                seconds=seconds,
                result="done",
                received_at=ended,
            )
        made.append(program)
    return made
