"""Speaker clusters, programs, schedules and their dispatch to devices.

Every table lives in the public schema (the app is shared): a province
officer watches all clusters of its subtree, a commune only its own, and the
dispatch worker and the MQTT listener run outside any unit. Each row names
the unit it belongs to, and every view filters on it.

A ``Program`` is something to play (uploaded audio, text to speech, a live
recording). A ``Schedule`` says when and where. Each time a program is sent,
one ``Dispatch`` is created with one ``Delivery`` per cluster; deliveries
move through ``pipeline.DELIVERY_PIPELINE``. What goes to the broker is
written to ``OutboxMessage`` in the same transaction, so nothing decided is
lost if the worker or the broker dies before it is published.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone

from base.choices import Priority

from .choices import DeliveryState

SOURCES = [("ip", "Mạng IP"), ("fm", "Sóng FM")]


class SpeakerCluster(models.Model):
    """One cụm loa: a controller with one or more horns, in a hamlet."""

    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="speaker_clusters",
    )
    name = models.CharField("tên cụm loa", max_length=200)
    hamlet = models.CharField(
        "ấp/khóm/tổ dân phố", max_length=200, blank=True, default=""
    )
    # The registry entry the coverage figures count (tenants.Hamlet); the
    # free-text ``hamlet`` above stays as the label typed before the registry
    # existed (migration 0004 linked every such label to a registry row).
    hamlet_ref = models.ForeignKey(
        "tenants.Hamlet",
        verbose_name="ấp/khóm (danh mục)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="speaker_clusters",
    )
    latitude = models.DecimalField(
        "vĩ độ", max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        "kinh độ", max_digits=9, decimal_places=6, null=True, blank=True
    )
    adapter = models.CharField(
        "giao thức thiết bị",
        max_length=50,
        default="mqtt_v1",
        help_text="Bộ chuyển đổi theo hãng thiết bị; mặc định giao thức MQTT v1 mở.",
    )
    device_id = models.SlugField("mã thiết bị", max_length=64, unique=True)
    # PBKDF2-SHA512 in Mosquitto's own format: the broker checks it, we
    # never keep the password itself.
    password_hash = models.CharField(max_length=255, blank=True, editable=False)
    volume = models.PositiveSmallIntegerField("âm lượng (%)", default=80)
    on_time = models.TimeField("giờ bật", default="05:00")
    off_time = models.TimeField("giờ tắt", default="21:00")
    has_fm_fallback = models.BooleanField("có thu FM dự phòng", default=False)
    is_active = models.BooleanField("đang hoạt động", default=True)
    # Presence, kept up to date by the listener.
    online = models.BooleanField("trực tuyến", default=False)
    last_seen = models.DateTimeField("lần cuối liên lạc", null=True, blank=True)
    firmware = models.CharField("phần mềm", max_length=100, blank=True, default="")
    # Protocol v1.1 message authentication: 32 random bytes (hex), given to
    # the installer once; rotated from the admin (credentials.py).
    signing_key = models.CharField(max_length=64, blank=True, editable=False)
    credentials_issued_at = models.DateTimeField(
        "cấp khóa lúc", null=True, blank=True, editable=False
    )
    # Highest message counter ``n`` accepted from the device, and from its
    # last will (signed at connect time, so older than what follows it).
    last_counter = models.BigIntegerField(default=0, editable=False)
    last_will_counter = models.BigIntegerField(default=0, editable=False)
    # What the device itself last reported (status and heartbeat).
    reported_volume = models.PositiveSmallIntegerField(
        "âm lượng thiết bị báo", null=True, blank=True, editable=False
    )
    now_playing = models.CharField(
        "đang phát", max_length=64, blank=True, default="", editable=False
    )
    # The last ``config`` command (volume, on/off hours) and its ack.
    config_cid = models.UUIDField(null=True, blank=True, editable=False)
    config_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    config_acked_at = models.DateTimeField(
        "thiết bị nhận cấu hình lúc", null=True, blank=True, editable=False
    )
    # FM fallback (protocol v1.1 ``fm`` command): the frequency the officer
    # chose, the last command and its ack; what the device says it plays
    # from (``source`` in status and heartbeat).
    fm_frequency = models.DecimalField(
        "tần số FM (MHz)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    fm_mode = models.CharField(
        "chế độ thu", max_length=2, choices=SOURCES, default="ip", editable=False
    )
    fm_cid = models.UUIDField(null=True, blank=True, editable=False)
    fm_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    fm_acked_at = models.DateTimeField(
        "thiết bị nhận lệnh FM lúc", null=True, blank=True, editable=False
    )
    source = models.CharField(
        "đang thu từ", max_length=2, choices=SOURCES, blank=True, editable=False
    )
    reported_frequency = models.DecimalField(
        "tần số thiết bị báo (MHz)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        editable=False,
    )
    # When the commune and district were told the cluster is offline
    # (services.alert_offline_clusters); cleared when it comes back.
    offline_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "cụm loa"
        verbose_name_plural = "cụm loa"
        ordering = ["unit", "hamlet", "name"]

    def __str__(self):
        return f"{self.name} ({self.device_id})"

    def set_password(self, raw):
        from .devices.credentials import mosquitto_hash

        self.password_hash = mosquitto_hash(raw)

    def check_password(self, raw):
        from .devices.credentials import mosquitto_check

        return bool(self.password_hash) and mosquitto_check(raw, self.password_hash)

    def in_hours(self, when=None):
        """Whether the cluster may play now (normal and priority items).
        Equal on and off times mean all day."""
        local = timezone.localtime(when or timezone.now()).time()
        if self.on_time == self.off_time:
            return True
        if self.on_time < self.off_time:
            return self.on_time <= local < self.off_time
        return local >= self.on_time or local < self.off_time

    @property
    def config_state(self):
        """What the officer reads about the last volume/hours change."""
        if self.config_cid is None:
            return "Theo tệp cấu hình lúc cấp khóa"
        if self.config_acked_at:
            local = timezone.localtime(self.config_acked_at)
            return f"Thiết bị đã nhận lúc {local:%H:%M %d/%m/%Y}"
        return "Đã gửi, chờ thiết bị xác nhận"

    @property
    def fm_state(self):
        """What the officer reads about the last FM/IP switch."""
        if self.fm_cid is None:
            return ""
        what = (
            f"Thu FM {self.fm_frequency} MHz".replace(".", ",")
            if self.fm_mode == "fm"
            else "Về mạng IP"
        )
        if self.fm_acked_at:
            local = timezone.localtime(self.fm_acked_at)
            return f"{what}: thiết bị đã nhận lúc {local:%H:%M %d/%m/%Y}"
        return f"{what}: đã gửi, chờ thiết bị xác nhận"

    @property
    def source_label(self):
        """Where the device says it plays from (status/heartbeat)."""
        if self.source == "fm":
            if self.reported_frequency is None:
                return "Sóng FM"
            return f"Sóng FM {self.reported_frequency} MHz".replace(".", ",")
        if self.source == "ip":
            return "Mạng IP"
        return "—"

    @property
    def now_playing_title(self):
        """The title of what the device says it plays (heartbeat ``playing``:
        a command's cid, or a plan item's id when it plays from its plan)."""
        if not self.now_playing:
            return ""
        return playing_titles([self.now_playing]).get(
            self.now_playing, self.now_playing
        )

    @property
    def is_stale(self):
        """Online by its retained status but silent for three heartbeats."""
        if not self.last_seen:
            return True
        limit = settings.BROADCAST_HEARTBEAT_SECONDS * 3
        return (timezone.now() - self.last_seen).total_seconds() > limit


def playing_titles(values):
    """{heartbeat ``playing`` value: program title} for the values that name
    a dispatch (its cid) or a plan item (its id)."""
    ids = [v for v in values if looks_like_uuid(v)]
    if not ids:
        return {}
    titles = {
        str(item): title
        for item, title in PlanItem.objects.filter(item__in=ids).values_list(
            "item", "program__title"
        )
    }
    titles.update(
        (str(cid), title)
        for cid, title in Dispatch.objects.filter(cid__in=ids).values_list(
            "cid", "program__title"
        )
    )
    return titles


def looks_like_uuid(value):
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class ClusterAlert(models.Model):
    """A notice to a unit's officers about one of its clusters (today: offline
    for longer than ``BROADCAST_OFFLINE_ALERT_MINUTES``). The commune that owns
    the cluster and the district above it each get a row, shown on their admin
    dashboard and e-mailed; it is resolved when the cluster is back."""

    cluster = models.ForeignKey(
        SpeakerCluster, on_delete=models.CASCADE, related_name="alerts"
    )
    unit = models.ForeignKey(
        "tenants.Unit", verbose_name="đơn vị nhận", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=20, default="offline")
    message = models.CharField("nội dung", max_length=500)
    raised_at = models.DateTimeField("lúc", default=timezone.now)
    emailed_to = models.JSONField(default=list, blank=True)
    resolved_at = models.DateTimeField("đã kết nối lại lúc", null=True, blank=True)

    class Meta:
        verbose_name = "cảnh báo cụm loa"
        verbose_name_plural = "cảnh báo cụm loa"
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["unit", "resolved_at"])]

    def __str__(self):
        return self.message


def audio_storage():
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.MEDIA_ROOT / "broadcast", base_url=None)


def program_audio_path(instance, filename):
    # Not tenant-relative: programs are served by broadcast's own views,
    # which check the unit, to devices and to the listen-back page.
    return f"{instance.uid.hex}/{filename}"


class ProgramKind(models.TextChoices):
    AUDIO = "audio", "Tệp âm thanh"
    TTS = "tts", "Chuyển văn bản thành giọng nói"
    LIVE = "live", "Phát trực tiếp"
    STREAM = "stream", "Luồng phát (trực tiếp, tiếp sóng)"


class Program(models.Model):
    """Something to play: uploaded audio, synthesized speech or a live take."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="broadcast_programs",
    )
    title = models.CharField("tiêu đề", max_length=255)
    kind = models.CharField(
        "loại", max_length=10, choices=ProgramKind.choices, default=ProgramKind.TTS
    )
    language = models.CharField("ngôn ngữ", max_length=10, default="vi")
    text = models.TextField("nội dung đọc", blank=True, default="")
    voice = models.CharField("giọng đọc", max_length=100, blank=True, default="")
    audio = models.FileField(
        "tệp âm thanh",
        upload_to=program_audio_path,
        storage=audio_storage,
        max_length=255,
        blank=True,
    )
    duration_seconds = models.FloatField("thời lượng (giây)", default=0)
    public = models.BooleanField(
        "đăng nghe lại",
        default=True,
        help_text="Hiện trên trang Nghe lại của đơn vị sau khi đã phát.",
    )
    bulletin_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "chương trình phát thanh"
        verbose_name_plural = "chương trình phát thanh"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class ScheduleKind(models.TextChoices):
    ONCE = "once", "Một lần"
    RECURRING = "recurring", "Lặp lại"


WEEKDAYS = [
    (0, "Thứ Hai"),
    (1, "Thứ Ba"),
    (2, "Thứ Tư"),
    (3, "Thứ Năm"),
    (4, "Thứ Sáu"),
    (5, "Thứ Bảy"),
    (6, "Chủ Nhật"),
]


class Schedule(models.Model):
    """When and where a program plays.

    Targets are units (every active cluster of the unit) and/or single
    clusters. ``position`` is how the commune orders items of the same
    priority that fall at the same minute.
    """

    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị lập lịch",
        on_delete=models.CASCADE,
        related_name="broadcast_schedules",
    )
    program = models.ForeignKey(
        Program, verbose_name="chương trình", on_delete=models.CASCADE
    )
    priority = models.CharField(
        "mức ưu tiên",
        max_length=10,
        choices=Priority.choices,
        default=Priority.NORMAL,
    )
    kind = models.CharField(
        "kiểu lịch",
        max_length=10,
        choices=ScheduleKind.choices,
        default=ScheduleKind.ONCE,
    )
    start_at = models.DateTimeField("phát lúc (một lần)", null=True, blank=True)
    weekdays = models.JSONField(
        "các ngày trong tuần", default=list, blank=True, help_text="0 = Thứ Hai"
    )
    times = models.JSONField(
        "các giờ phát", default=list, blank=True, help_text='Ví dụ ["06:00", "17:30"]'
    )
    valid_from = models.DateField("từ ngày", null=True, blank=True)
    valid_until = models.DateField("đến ngày", null=True, blank=True)
    target_units = models.ManyToManyField(
        "tenants.Unit",
        verbose_name="đơn vị nhận",
        blank=True,
        related_name="+",
    )
    target_clusters = models.ManyToManyField(
        SpeakerCluster, verbose_name="cụm loa nhận", blank=True, related_name="+"
    )
    position = models.PositiveIntegerField("thứ tự", default=0)
    is_active = models.BooleanField("đang dùng", default=True)
    last_fired_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lịch phát"
        verbose_name_plural = "lịch phát"
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.program} – {self.get_priority_display()}"


class Dispatch(models.Model):
    """One sending of a program to a set of clusters (one correlation id)."""

    cid = models.UUIDField("mã tương quan", default=uuid.uuid4, unique=True)
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="broadcast_dispatches",
    )
    program = models.ForeignKey(
        Program, verbose_name="chương trình", on_delete=models.CASCADE
    )
    schedule = models.ForeignKey(
        Schedule, null=True, blank=True, on_delete=models.SET_NULL
    )
    priority = models.CharField("mức ưu tiên", max_length=10, choices=Priority.choices)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField("gửi lúc", default=timezone.now)
    expires_at = models.DateTimeField("hết hạn lúc")
    # Clusters targeted when dispatched (each has a Delivery row, "queued"
    # until the broker accepted its copy).
    target_count = models.PositiveIntegerField("số cụm loa nhận", default=0)
    # Clusters of the targets left out because they were outside their on/off
    # hours (normal and priority only): said on the dispatch's page.
    skipped_off_hours = models.PositiveIntegerField(
        "số cụm loa ngoài giờ bật", default=0
    )
    # The plan item this dispatch airs (a schedule's occurrence, the same id
    # in every device's plan): a device that played it offline from its plan
    # does not play it again, and its report names it.
    item = models.UUIDField(null=True, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = "lượt phát"
        verbose_name_plural = "lượt phát"
        ordering = ["-created_at"]
        # Who may reach every loudspeaker of a unit (and the units below) at
        # once, over everything else: the approver, not the editor.
        permissions = [
            ("send_emergency", "Phát khẩn cấp và lập lịch ưu tiên, khẩn cấp"),
            ("send_live", "Phát thông báo trực tiếp"),
        ]

    def __str__(self):
        return f"{self.program} @ {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"


class Delivery(models.Model):
    """The state of one dispatch on one cluster (see pipeline.py)."""

    # Every state move of 5,000 devices rewrites each index of its rows:
    # the dispatch is served by the unique (dispatch, cluster) index and
    # the state by (state, updated_at), so neither has one of its own.
    dispatch = models.ForeignKey(
        Dispatch, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    cluster = models.ForeignKey(
        SpeakerCluster,
        verbose_name="cụm loa",
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    state = models.CharField(
        "trạng thái",
        max_length=16,
        choices=DeliveryState.choices,
        default=DeliveryState.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)
    detail = models.CharField("ghi chú", max_length=255, blank=True, default="")
    updated_at = models.DateTimeField("cập nhật", default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField("xác nhận lúc", null=True, blank=True)

    class Meta:
        verbose_name = "trạng thái gửi"
        verbose_name_plural = "trạng thái gửi"
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "cluster"], name="one_delivery_per_cluster"
            )
        ]
        indexes = [models.Index(fields=["state", "updated_at"])]

    def __str__(self):
        return f"{self.cluster.device_id}: {self.state}"


class DeliveryTransition(models.Model):
    """History of the pipeline: one row per move of a group of deliveries of
    one dispatch from one state to another (thousands of devices acknowledge
    in one UPDATE, recorded as one row)."""

    dispatch = models.ForeignKey(
        Dispatch, on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(max_length=16)
    to_state = models.CharField(max_length=16)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    source = models.CharField(max_length=50, blank=True, default="")
    delivery_ids = ArrayField(models.BigIntegerField(), default=list)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [GinIndex(fields=["delivery_ids"], name="bc_transition_ids")]

    @classmethod
    def of(cls, delivery):
        return cls.objects.filter(
            dispatch_id=delivery.dispatch_id, delivery_ids__contains=[delivery.pk]
        )


class OutboxMessage(models.Model):
    """An MQTT publish decided but maybe not yet accepted by the broker."""

    dispatch = models.ForeignKey(
        Dispatch, null=True, on_delete=models.CASCADE, related_name="outbox"
    )
    topic = models.CharField(max_length=255)
    payload = models.JSONField()
    # Device ids this publish reaches (for the queued -> sent transition).
    device_ids = models.JSONField(default=list)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]


class BulletinRequest(models.Model):
    """A bulletin handed to the speakers of a unit, waiting to become a program.

    Written by the ``bulletin_for_channel`` receiver (one cheap INSERT inside
    the bulletins fan-out); a task turns it into a TTS program, dispatched at
    once for an emergency. Unprocessed rows are picked up again by the sweep,
    so a worker that dies loses nothing. The bulletin's text is copied here:
    the signal's contract is the bulletin's attributes, not its table.
    """

    bulletin_id = models.PositiveBigIntegerField(db_index=True)
    unit = models.ForeignKey("tenants.Unit", on_delete=models.CASCADE)
    emergency = models.BooleanField(default=False)
    title = models.CharField(max_length=255)
    text = models.TextField()
    language = models.CharField(max_length=10, default="vi")
    valid_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True, default="")
    program = models.ForeignKey(
        "Program", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-emergency", "created_at", "pk"]


class PlayResult(models.TextChoices):
    COMPLETED = "completed", "Phát xong"
    PREEMPTED = "preempted", "Bị ngắt (phát khẩn cấp)"
    STOPPED = "stopped", "Đã dừng"
    FAILED = "failed", "Lỗi"


class PlayReject(models.TextChoices):
    """Why a play report does not count toward hours aired."""

    RESULT = "result", "Kết quả không thuộc danh sách của giao thức"
    UNKNOWN = "unknown", "Không có lệnh phát tương ứng cho cụm loa này"
    TIMES = "times", "Thiếu hoặc sai thời điểm bắt đầu/kết thúc"
    WINDOW = "window", "Thời điểm phát nằm ngoài thời hạn của lệnh"
    DURATION = "duration", "Số giây phát vượt thời lượng chương trình"
    DUPLICATE = "duplicate", "Đã có báo cáo khác cho lần phát này"


class PlayLog(models.Model):
    """What a device reports it played (protocol ``play`` messages).

    Every report is kept; only ``accepted`` ones count toward hours aired
    (``services.plays.check_report``: result from the protocol's list, times
    within the command's window, seconds at most the program's length plus a
    margin). A rejected one keeps the reason and the report as received.
    """

    cluster = models.ForeignKey(
        SpeakerCluster, on_delete=models.CASCADE, related_name="play_logs"
    )
    unit = models.ForeignKey("tenants.Unit", on_delete=models.CASCADE)
    dispatch = models.ForeignKey(
        Dispatch, null=True, blank=True, on_delete=models.SET_NULL
    )
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.SET_NULL
    )
    started_at = models.DateTimeField("bắt đầu")
    ended_at = models.DateTimeField("kết thúc")
    seconds = models.FloatField("số giây đã phát")
    result = models.CharField("kết quả", max_length=20)
    accepted = models.BooleanField("được tính", default=True)
    reject_reason = models.CharField(
        "lý do không tính", max_length=20, choices=PlayReject.choices, blank=True
    )
    received_at = models.DateTimeField("nhận lúc", null=True, blank=True)
    report = models.JSONField("báo cáo gốc", default=dict, blank=True)
    # The plan item played (a schedule's occurrence), when the report names
    # one: plays made offline from the device's plan carry it instead of a cid.
    item = models.UUIDField(null=True, blank=True)

    class Meta:
        verbose_name = "nhật ký phát"
        verbose_name_plural = "nhật ký phát"
        ordering = ["-started_at"]
        # The reports' hours-broadcast figures sum a year of accepted logs
        # per unit: a covering index lets PostgreSQL read them from the
        # index alone.
        indexes = [
            models.Index(
                fields=["unit", "started_at"],
                include=["program", "seconds"],
                condition=models.Q(accepted=True),
                name="bc_playlog_unit_time",
            ),
            models.Index(fields=["cluster", "-started_at"], name="bc_playlog_cluster"),
        ]

    @property
    def result_label(self):
        try:
            return PlayResult(self.result).label
        except ValueError:
            return self.result


class DevicePlan(models.Model):
    """One version of a device's day (protocol ``plan`` command): what its
    schedules will play that day, sent ahead so the device plays it even if
    the network drops. A newer version replaces the day's list; versions
    only grow per cluster (``services.plans``)."""

    cluster = models.ForeignKey(
        SpeakerCluster, on_delete=models.CASCADE, related_name="plans"
    )
    day = models.DateField("ngày")
    version = models.PositiveIntegerField("phiên bản")
    cid = models.UUIDField(default=uuid.uuid4, unique=True)
    # Of the items (ids, programs, audio hashes, times): an unchanged day is
    # not sent again.
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    acked_at = models.DateTimeField("thiết bị nhận lúc", null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "lịch phát của thiết bị"
        verbose_name_plural = "lịch phát của thiết bị"
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "version"], name="one_plan_version_per_cluster"
            )
        ]
        indexes = [models.Index(fields=["cluster", "day", "-version"])]


class PlanItem(models.Model):
    """One program at one time in a device's plan."""

    plan = models.ForeignKey(DevicePlan, on_delete=models.CASCADE, related_name="items")
    item = models.UUIDField(db_index=True)
    schedule = models.ForeignKey(
        Schedule, null=True, blank=True, on_delete=models.SET_NULL
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE)
    at = models.DateTimeField()
    not_after = models.DateTimeField()
    priority = models.CharField(max_length=10, choices=Priority.choices)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "item"], name="one_item_per_plan")
        ]


class ListenerCounter(models.Model):
    """Counts of what the listener dropped (by reason) and handled."""

    name = models.CharField(max_length=50, unique=True)
    count = models.PositiveBigIntegerField(default=0)

    @classmethod
    def bump(cls, name, by=1):
        from django.db.models import F

        updated = cls.objects.filter(name=name).update(count=F("count") + by)
        if not updated:
            obj, created = cls.objects.get_or_create(name=name, defaults={"count": by})
            if not created:
                cls.objects.filter(name=name).update(count=F("count") + by)

    @classmethod
    def value(cls, name):
        row = cls.objects.filter(name=name).first()
        return row.count if row else 0


class PlayTotals(models.Model):
    """What PlayDay and PlayMonth count, per unit and period."""

    unit = models.ForeignKey("tenants.Unit", on_delete=models.CASCADE, related_name="+")
    plays = models.PositiveIntegerField("số lượt phát", default=0)
    seconds = models.FloatField("số giây đã phát", default=0)
    tts_seconds = models.FloatField("số giây phát bằng TTS", default=0)
    minority_seconds = models.FloatField(
        "số giây phát bằng tiếng dân tộc thiểu số", default=0
    )

    class Meta:
        abstract = True


class PlayDay(PlayTotals):
    """Seconds played per unit and day (Vietnam time): the running total the
    reports' hours-broadcast figures read instead of a year of ``PlayLog``
    rows (a province has hundreds of thousands).

    Kept by PostgreSQL triggers (migration 0010), never written by Django:
    per statement on ``PlayLog`` (insert, update, delete) and on ``Program``
    (a changed kind or language moves its seconds between the TTS and
    minority-language totals). A new log is added to its day's row; a log
    changed or removed has its days counted again from the logs, so nothing
    is subtracted and no rounding is left behind. Every way a log is
    written (the listener's bulk insert, a cascade, a queryset update, a
    program deleted) keeps the total exact, in the same transaction. A row
    exists while its day has at least one log (``plays``). Tested against
    the logs themselves in tests/integration/reports/test_stored_totals.py."""

    day = models.DateField("ngày")

    class Meta:
        verbose_name = "thời lượng phát trong ngày"
        verbose_name_plural = "thời lượng phát trong ngày"
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="bc_playday_unit_day")
        ]


class PlayMonth(PlayTotals):
    """The same totals per unit and calendar month (``month`` is its first
    day), kept by the same triggers in the same statements (migration 0011):
    a year's figures read whole months here and only the days of the
    period's first and last months from ``PlayDay`` (the report year runs
    15/12 to 14/12), about a tenth of the rows."""

    month = models.DateField("tháng")

    class Meta:
        verbose_name = "thời lượng phát trong tháng"
        verbose_name_plural = "thời lượng phát trong tháng"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month"], name="bc_playmonth_unit_month"
            )
        ]


class StreamKind(models.TextChoices):
    RELAY = "relay", "Tiếp sóng đài"
    LIVE = "live", "Phát trực tiếp từ micrô"


class StreamState(models.TextChoices):
    STARTING = "starting", "Đang khởi động"
    ON_AIR = "on_air", "Đang phát"
    ENDED = "ended", "Đã dừng"
    FAILED = "failed", "Lỗi"


class Stream(models.Model):
    """Audio that plays as it comes: a relay of a radio station (VOV, the
    province's station) or a live announcement from an officer's browser.

    The streamer (``manage.py broadcast_streamer``) encodes it with ffmpeg
    to the speakers' mono MP3 and pushes it to an Icecast mount; once the
    mount has audio, ``program``/``dispatch`` carry the ``stream`` command
    to the clusters (acks and "Dừng phát ngay" as for any dispatch).
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="broadcast_streams",
    )
    kind = models.CharField("loại", max_length=10, choices=StreamKind.choices)
    title = models.CharField("tiêu đề", max_length=255)
    source_url = models.URLField("địa chỉ luồng nguồn", max_length=500, blank=True)
    priority = models.CharField(
        "mức ưu tiên", max_length=10, choices=Priority.choices, default="normal"
    )
    state = models.CharField(
        "trạng thái",
        max_length=10,
        choices=StreamState.choices,
        default=StreamState.STARTING,
        db_index=True,
    )
    detail = models.CharField("ghi chú", max_length=255, blank=True, default="")
    program = models.OneToOneField(
        Program, null=True, blank=True, on_delete=models.SET_NULL, related_name="stream"
    )
    dispatch = models.OneToOneField(
        Dispatch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stream",
    )
    started_by = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField("bắt đầu lúc", default=timezone.now)
    on_air_at = models.DateTimeField("lên sóng lúc", null=True, blank=True)
    ended_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)

    class Meta:
        verbose_name = "luồng phát"
        verbose_name_plural = "luồng phát"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def mount(self):
        """The Icecast mount point (``/s-<uid>.mp3``)."""
        return f"/s-{self.uid.hex}.mp3"

    @property
    def is_running(self):
        return self.state in (StreamState.STARTING, StreamState.ON_AIR)
