"""Public boards (bảng tin điện tử công cộng), what they play and what they report.

Every table lives in the public schema and carries the unit it belongs to;
views and the admin always filter by the current unit. A board is paired with
a player by a short code and then authenticates with a secret token of which
only the SHA-256 is stored. Content reaches a board through a manifest built
by ``signage.services``: playlists chosen by schedules (dayparts, priority) or
the default playlist, the unit's pages and bulletins marked for boards, and an
emergency interrupt that overrides everything until it expires or is cleared.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class BoardKind(models.TextChoices):
    LED = "led", "Bảng LED"
    LCD = "lcd", "Màn hình LCD"


class Orientation(models.TextChoices):
    LANDSCAPE = "landscape", "Ngang"
    PORTRAIT = "portrait", "Dọc"


class Board(models.Model):
    """One physical screen of a unit, and what its player last reported."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="boards",
        editable=False,
    )
    name = models.CharField("tên bảng", max_length=200)
    place = models.CharField("vị trí đặt", max_length=255, blank=True)
    latitude = models.DecimalField(
        "vĩ độ", max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        "kinh độ", max_digits=9, decimal_places=6, null=True, blank=True
    )
    kind = models.CharField(
        "loại", max_length=8, choices=BoardKind.choices, default=BoardKind.LCD
    )
    width = models.PositiveIntegerField("độ phân giải ngang (px)", default=1920)
    height = models.PositiveIntegerField("độ phân giải dọc (px)", default=1080)
    orientation = models.CharField(
        "hướng màn hình",
        max_length=12,
        choices=Orientation.choices,
        default=Orientation.LANDSCAPE,
    )
    on_time = models.TimeField("giờ bật", null=True, blank=True)
    off_time = models.TimeField("giờ tắt", null=True, blank=True)
    layout = models.CharField(
        "bố cục",
        max_length=8,
        choices=[
            ("", "Theo danh sách phát"),
            ("full", "Toàn màn hình"),
            ("ticker", "Nội dung chính + chữ chạy"),
        ],
        blank=True,
        default="",
    )
    power = models.CharField(
        "bật/tắt màn hình",
        max_length=8,
        choices=[("auto", "Theo giờ bật/tắt"), ("on", "Luôn bật"), ("off", "Tắt")],
        default="auto",
    )
    brightness = models.PositiveSmallIntegerField(
        "độ sáng khi bật (%)",
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    off_level = models.PositiveSmallIntegerField(
        "độ sáng ngoài giờ bật (%)",
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="0: màn hình tối hẳn. Lớn hơn 0: vẫn phát nhưng giảm độ sáng.",
    )

    default_playlist = models.ForeignKey(
        "signage.Playlist",
        verbose_name="danh sách phát mặc định",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Để trống: dùng danh sách phát mặc định của đơn vị.",
    )
    # Pairing: only the hash of the player's secret token is kept.
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    paired_at = models.DateTimeField("ghép nối lúc", null=True, editable=False)
    # What the player last reported (heartbeat).
    last_seen = models.DateTimeField("lần cuối liên lạc", null=True, editable=False)
    player_version = models.CharField(max_length=40, blank=True, editable=False)
    device_model = models.CharField(
        "thiết bị", max_length=100, blank=True, editable=False
    )
    showing = models.CharField("đang hiển thị", max_length=255, blank=True)
    manifest_version = models.CharField(max_length=64, blank=True, editable=False)
    # The player's last health report (uptime, storage, cache, sync, temperature).
    health = models.JSONField(default=dict, blank=True, editable=False)
    screenshot = models.ImageField(
        "ảnh chụp màn hình", upload_to="signage/screens/", blank=True, editable=False
    )
    screenshot_at = models.DateTimeField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "bảng tin điện tử"
        verbose_name_plural = "bảng tin điện tử"
        ordering = ["unit_id", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.width and self.height and (self.width > 7680 or self.height > 7680):
            raise ValidationError("Độ phân giải tối đa là 7680 px mỗi chiều.")

    @property
    def resolution(self):
        return f"{self.width}×{self.height}"

    @property
    def is_paired(self):
        return bool(self.token_hash)

    @property
    def is_online(self):
        from .services import board_is_online

        return board_is_online(self)


class BoardGroup(models.Model):
    """Boards addressed together (a district's roadside LEDs, a commune's
    indoor screens): the group's unit and every unit below may be members."""

    unit = models.ForeignKey(
        "tenants.Unit", on_delete=models.CASCADE, related_name="+", editable=False
    )
    name = models.CharField("tên nhóm", max_length=200)
    boards = models.ManyToManyField(
        Board,
        verbose_name="các bảng trong nhóm",
        blank=True,
        related_name="groups",
        help_text="Bảng của đơn vị này và các đơn vị cấp dưới.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "nhóm bảng tin"
        verbose_name_plural = "nhóm bảng tin"
        ordering = ["name"]

    def __str__(self):
        return self.name


class CommandKind(models.TextChoices):
    SCREENSHOT = "screenshot", "Chụp màn hình"
    SCREEN_OFF = "screen_off", "Tắt màn hình"
    SCREEN_ON = "screen_on", "Bật màn hình"
    AUTO = "auto", "Theo lịch"
    BRIGHTNESS = "brightness", "Đặt độ sáng"
    RELOAD = "reload", "Tải lại"


class BoardCommand(models.Model):
    """An order for one board, delivered by push and done by its player."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="commands")
    kind = models.CharField(max_length=16, choices=CommandKind.choices)
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]


class PairingRequest(models.Model):
    """A player waiting to be paired: shows ``code`` until an official enters it.

    The player reports what it is (kind, resolution, orientation, version,
    model) so the official only types the code and names the board.
    """

    unit = models.ForeignKey("tenants.Unit", on_delete=models.CASCADE)
    code = models.CharField(max_length=8, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    board = models.ForeignKey(Board, null=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=8, choices=BoardKind.choices, blank=True)
    width = models.PositiveIntegerField(null=True)
    height = models.PositiveIntegerField(null=True)
    orientation = models.CharField(
        max_length=12, choices=Orientation.choices, blank=True
    )
    player_version = models.CharField(max_length=40, blank=True)
    device_model = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = "yêu cầu ghép nối"

    @property
    def resolution(self):
        return f"{self.width}×{self.height}" if self.width and self.height else ""


class Playlist(models.Model):
    """An ordered set of slides; the unit's pages and bulletins may be mixed in."""

    unit = models.ForeignKey(
        "tenants.Unit", on_delete=models.CASCADE, related_name="+", editable=False
    )
    name = models.CharField("tên danh sách phát", max_length=200)
    is_default = models.BooleanField(
        "mặc định của đơn vị",
        default=False,
        help_text="Phát khi không có lịch nào đang áp dụng.",
    )
    layout = models.CharField(
        "bố cục",
        max_length=8,
        choices=[("full", "Toàn màn hình"), ("ticker", "Nội dung chính + chữ chạy")],
        default="full",
    )
    ticker_text = models.CharField(
        "dòng chữ chạy",
        max_length=500,
        blank=True,
        help_text="Để trống: tiêu đề các thông báo và bản tin tự động.",
    )
    include_auto = models.BooleanField(
        "kèm tin tự động",
        default=True,
        help_text="Thêm thông báo, bài viết đánh dấu cho bảng tin và bản tin "
        "cấp trên gửi xuống.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "danh sách phát"
        verbose_name_plural = "danh sách phát"
        ordering = ["-is_default", "name"]

    def __str__(self):
        return self.name


class SlideKind(models.TextChoices):
    TEXT = "text", "Chữ"
    IMAGE = "image", "Hình ảnh"
    VIDEO = "video", "Video"


LANGUAGE_CHOICES = [("vi", "Tiếng Việt"), ("km", "Tiếng Khmer")]


class Slide(models.Model):
    """A custom slide written by an official for one playlist."""

    playlist = models.ForeignKey(
        Playlist,
        verbose_name="danh sách phát",
        on_delete=models.CASCADE,
        related_name="slides",
    )
    kind = models.CharField(
        "loại", max_length=8, choices=SlideKind.choices, default=SlideKind.TEXT
    )
    title = models.CharField("tiêu đề", max_length=255)
    body = models.TextField("nội dung", blank=True)
    language = models.CharField(
        "ngôn ngữ", max_length=8, choices=LANGUAGE_CHOICES, default="vi"
    )
    image = models.ImageField("ảnh", upload_to="signage/slides/", blank=True)
    video = models.FileField("video", upload_to="signage/videos/", blank=True)
    # What signage.video made of the upload (a Celery task, see tasks.py).
    video_status = models.CharField(
        "xử lý video",
        max_length=12,
        choices=[
            ("", "—"),
            ("pending", "Đang chờ xử lý"),
            ("processing", "Đang chuyển mã"),
            ("ready", "Sẵn sàng"),
            ("failed", "Lỗi"),
        ],
        blank=True,
        default="",
        editable=False,
    )
    video_error = models.CharField(max_length=255, blank=True, editable=False)
    video_mp4 = models.FileField(
        upload_to="signage/videos/mp4/", blank=True, editable=False
    )
    video_poster = models.ImageField(
        upload_to="signage/videos/poster/", blank=True, editable=False
    )
    video_led = models.FileField(
        upload_to="signage/videos/led/", blank=True, editable=False
    )
    video_info = models.JSONField(default=dict, blank=True, editable=False)
    duration = models.PositiveIntegerField("thời lượng (giây)", default=10)
    valid_from = models.DateTimeField("hiệu lực từ", null=True, blank=True)
    valid_until = models.DateTimeField("hiệu lực đến", null=True, blank=True)
    sort_order = models.IntegerField("thứ tự", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "trang trình chiếu"
        verbose_name_plural = "trang trình chiếu"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.title


class Schedule(models.Model):
    """Plays a playlist on some days between two times; the highest priority wins.

    It plays on the boards chosen, and on every board of the groups chosen
    (boards of the units below too); with neither, on every board of the unit.
    """

    unit = models.ForeignKey(
        "tenants.Unit", on_delete=models.CASCADE, related_name="+", editable=False
    )
    name = models.CharField("tên lịch", max_length=200)
    playlist = models.ForeignKey(
        Playlist, verbose_name="danh sách phát", on_delete=models.CASCADE
    )
    boards = models.ManyToManyField(
        Board,
        verbose_name="bảng áp dụng",
        blank=True,
        help_text="Để trống (và không chọn nhóm): mọi bảng của đơn vị.",
    )
    groups = models.ManyToManyField(
        BoardGroup,
        verbose_name="nhóm bảng áp dụng",
        blank=True,
        related_name="schedules",
        help_text="Mọi bảng trong nhóm, kể cả của các đơn vị cấp dưới.",
    )
    # ISO weekdays 1 (Monday) .. 7 (Sunday); empty means every day.
    weekdays = models.JSONField("các ngày trong tuần", default=list, blank=True)
    start_time = models.TimeField("từ giờ")
    end_time = models.TimeField(
        "đến giờ", help_text="Nhỏ hơn giờ bắt đầu: lịch kéo qua nửa đêm."
    )
    priority = models.IntegerField("mức ưu tiên", default=0)
    valid_from = models.DateField("áp dụng từ ngày", null=True, blank=True)
    valid_until = models.DateField("áp dụng đến ngày", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lịch phát"
        verbose_name_plural = "lịch phát"
        ordering = ["-priority", "start_time"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start_time and self.end_time and self.start_time == self.end_time:
            raise ValidationError("Giờ bắt đầu và giờ kết thúc phải khác nhau.")
        bad = [d for d in self.weekdays or [] if d not in range(1, 8)]
        if bad:
            raise ValidationError("Ngày trong tuần phải từ 1 (thứ Hai) đến 7.")


class BulletinItem(models.Model):
    """A non-emergency bulletin a unit passed to its boards (auto playlist)."""

    unit = models.ForeignKey("tenants.Unit", on_delete=models.CASCADE)
    bulletin_id = models.BigIntegerField()
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    language = models.CharField(max_length=8, default="vi")
    priority = models.CharField(max_length=16, blank=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "bulletin_id"], name="signage_bulletin_once_per_unit"
            )
        ]


class Interrupt(models.Model):
    """An emergency that takes over the unit's boards until expiry or clear."""

    unit = models.ForeignKey(
        "tenants.Unit", on_delete=models.CASCADE, related_name="+", editable=False
    )
    boards = models.ManyToManyField(
        Board,
        verbose_name="bảng áp dụng",
        blank=True,
        help_text="Để trống (và không chọn nhóm): mọi bảng của đơn vị.",
    )
    groups = models.ManyToManyField(
        BoardGroup,
        verbose_name="nhóm bảng áp dụng",
        blank=True,
        related_name="+",
        help_text="Mọi bảng trong nhóm, kể cả của các đơn vị cấp dưới.",
    )
    title = models.CharField("tiêu đề", max_length=255)
    body = models.TextField("nội dung", blank=True)
    language = models.CharField(
        "ngôn ngữ", max_length=8, choices=LANGUAGE_CHOICES, default="vi"
    )
    bulletin_id = models.BigIntegerField(null=True, blank=True, editable=False)
    starts_at = models.DateTimeField("bắt đầu", default=timezone.now)
    expires_at = models.DateTimeField("hết hạn", null=True, blank=True)
    cleared_at = models.DateTimeField("đã kết thúc lúc", null=True, editable=False)
    created_by = models.CharField(max_length=150, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ngắt khẩn cấp"
        verbose_name_plural = "ngắt khẩn cấp"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def is_active(self, at=None):
        at = at or timezone.now()
        return (
            self.cleared_at is None
            and self.starts_at <= at
            and (self.expires_at is None or self.expires_at > at)
        )


class PlayStat(models.Model):
    """Proof of play, aggregated: one row per board, hour and slide."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="plays")
    hour = models.DateTimeField()
    slide_key = models.CharField(max_length=64)
    title = models.CharField(max_length=255, blank=True)
    plays = models.PositiveIntegerField(default=0)
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["board", "hour", "slide_key"], name="signage_play_per_hour"
            )
        ]
        indexes = [models.Index(fields=["hour"])]
