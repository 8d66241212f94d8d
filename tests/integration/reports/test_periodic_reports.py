"""The upward periodic report: a district opens a period, its communes get
reminders (admin notice and e-mail, sent by a real Celery beat and worker),
fill the form pre-filled from the platform, submit (late ones are accepted
and marked), the district approves or returns, and consolidates; the
province consolidates its districts the same way."""

import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from reports import services
from reports.models import PeriodicReport, ReportPeriod, ReportReminder
from reports.pipeline import ReportStatus, TransitionError
from tests.factories import reports as f
from tests.factories.bulletins import make_officer
from tests.utils import admin_client, test_database_url, wait_for


def commune_user(unit, email):
    with tenant_context(unit):
        user = get_user_model().objects.create_user(
            f"vanthu-{uuid.uuid4().hex[:6]}",
            email=email,
            password="matkhau-123",
            first_name="Văn thư",
        )
        user.groups.add(Group.objects.get(name=settings.UNIT_EDITOR_GROUP))
    return user


def start_beat(queue, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": test_database_url(),
        "CELERY_QUEUE": queue,
        "REPORTS_REMINDER_SECONDS": "1",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "beat",
        "--loglevel=INFO",
        "-s",
        str(tmp_path / "beat-schedule"),
    ]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def sent_mail():
    """Messages the worker's file-based e-mail backend wrote."""
    from email import message_from_bytes, policy

    for path in mail_dir().glob("*.log"):
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                yield message_from_bytes(chunk.strip() + b"\n", policy=policy.default)


def mail_dir():
    name = settings.DATABASES["default"]["NAME"].removeprefix("test_")
    return Path(settings.BASE_DIR) / ".local" / "test-mail" / name


@pytest.mark.worker
def test_beat_reminds_communes_once_a_day_by_notice_and_email(
    tree, committed, celery_worker_process, tmp_path
):
    today = timezone.localdate()
    email = f"xa-an-binh-{uuid.uuid4().hex[:6]}@example.vn"
    user = commune_user(tree.commune_a1, email)
    period = services.open_period(
        unit=tree.district_a,
        title="Báo cáo quý thử nghiệm",
        starts_on=today - datetime.timedelta(days=90),
        ends_on=today,
        deadline=today + datetime.timedelta(days=3),
        remind_days=5,
    )
    far = services.open_period(
        unit=tree.district_b,
        title="Báo cáo còn xa hạn",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
        deadline=today + datetime.timedelta(days=40),
        remind_days=5,
    )
    beat = start_beat(celery_worker_process.queue, tmp_path)
    try:
        run_beat_checks(tree, period, far, email, user)
    finally:
        beat.terminate()
        beat.wait(timeout=20)
        ReportPeriod.objects.filter(pk__in=[period.pk, far.pk]).delete()
        with tenant_context(tree.commune_a1):
            get_user_model().objects.filter(pk=user.pk).delete()


def run_beat_checks(tree, period, far, email, user):
    assert wait_for(
        lambda: ReportReminder.objects.filter(report__period=period).count() == 2,
        timeout=60,
    )
    reminder = ReportReminder.objects.get(
        report__period=period, report__unit=tree.commune_a1
    )
    assert "còn 3 ngày nữa là hết hạn" in reminder.message
    assert wait_for(
        lambda: email in ReportReminder.objects.get(pk=reminder.pk).emailed_to
    )
    assert any(
        email in m["to"]
        and "Nhắc nộp báo cáo" in m["subject"]
        and "còn 3 ngày" in m.get_content()
        for m in sent_mail()
    )
    # Beat keeps running every second: still one reminder per report and day.
    time.sleep(3)
    assert ReportReminder.objects.filter(report__period=period).count() == 2
    assert not ReportReminder.objects.filter(report__period=far).exists()
    # The notice is on the commune's admin dashboard.
    home = admin_client(tree.commune_a1, user).get("/admin/")
    connection.set_schema_to_public()
    assert "Báo cáo định kỳ cần nộp" in home.content.decode()


@pytest.mark.django_db
def test_commune_submits_district_returns_and_approves_and_consolidates(tree):
    today = timezone.localdate()
    f.make_board(tree.commune_a1, paired=timezone.now() - datetime.timedelta(days=1))
    period = services.open_period(
        unit=tree.district_a,
        title="Báo cáo năm thử nghiệm",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today,
        deadline=today + datetime.timedelta(days=5),
    )
    assert sorted(r.unit.code for r in period.reports.all()) == ["90101", "90102"]
    a1 = period.reports.get(unit=tree.commune_a1)
    client = admin_client(tree.commune_a1, commune_user(tree.commune_a1, "a@x.vn"))
    form = client.get(f"/admin/danh-gia-bao-cao/don-vi/{a1.pk}/")
    html = form.content.decode()
    assert form.status_code == 200
    # Pre-filled from the platform: the commune's board is connected (100 %).
    assert 'name="so_lieu_boards_communes"' in html
    assert 'value="100.0"' in html or 'value="100"' in html
    # Bad input: the message is Vietnamese and what was typed is kept.
    bad = client.post(
        f"/admin/danh-gia-bao-cao/don-vi/{a1.pk}/",
        {"so_lieu_boards_communes": "nhiều", "results": "Đã làm tốt", "submit": "1"},
    )
    assert bad.status_code == 400
    assert "Hãy nhập một số" in bad.content.decode()
    assert "Đã làm tốt" in bad.content.decode()
    ok = client.post(
        f"/admin/danh-gia-bao-cao/don-vi/{a1.pk}/",
        {
            "so_lieu_boards_communes": "100",
            "results": "Đã làm tốt",
            "difficulties": "Thiếu kinh phí",
            "proposals": "Hỗ trợ",
            "submit": "1",
        },
    )
    assert ok.status_code == 302
    a1.refresh_from_db()
    assert (a1.status, a1.is_late) == (ReportStatus.SUBMITTED, False)
    # Another commune's report cannot be opened from this commune's admin.
    a2 = period.reports.get(unit=tree.commune_a2)
    assert client.get(f"/admin/danh-gia-bao-cao/don-vi/{a2.pk}/").status_code == 404

    connection.set_schema_to_public()  # the commune's requests left its schema set
    # A report submitted after the deadline is accepted and marked late.
    ReportPeriod.objects.filter(pk=period.pk).update(
        deadline=today - datetime.timedelta(days=1)
    )
    a2.refresh_from_db()
    services.prefill(a2)
    a2.save()
    services.set_status(a2, ReportStatus.SUBMITTED, actor="Văn thư xã An Hòa")
    assert a2.is_late

    district = admin_client(settings.BASE_DOMAIN, make_officer(tree.district_a))
    page = district.get(f"/admin/danh-gia-bao-cao/ky-bao-cao/{period.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "trễ hạn" in html and "Thiếu kinh phí" in html
    returned = district.post(
        f"/admin/danh-gia-bao-cao/bao-cao/{a2.pk}/duyet/",
        {"action": "return", "reason": "Bổ sung số liệu đài FM"},
    )
    assert returned.status_code == 302
    a2.refresh_from_db()
    assert a2.status == ReportStatus.RETURNED
    assert a2.return_reason == "Bổ sung số liệu đài FM"
    district.post(
        f"/admin/danh-gia-bao-cao/bao-cao/{a1.pk}/duyet/", {"action": "approve"}
    )
    a1.refresh_from_db()
    assert a1.status == ReportStatus.APPROVED
    with pytest.raises(TransitionError):
        services.set_status(a1, ReportStatus.SUBMITTED)
    summary = services.consolidate(period)
    assert summary["counts"][ReportStatus.APPROVED] == 1
    assert summary["counts"][ReportStatus.RETURNED] == 1
    assert summary["totals"]["boards_communes"]["numerator"] == 1
    # Another district's officer cannot see or review this period.
    other = admin_client(settings.BASE_DOMAIN, make_officer(tree.district_b))
    assert (
        other.get(f"/admin/danh-gia-bao-cao/ky-bao-cao/{period.pk}/").status_code == 404
    )
    refused = other.post(
        f"/admin/danh-gia-bao-cao/bao-cao/{a1.pk}/duyet/",
        {"action": "return", "reason": "x"},
    )
    assert refused.status_code == 403


@pytest.mark.django_db
def test_province_period_asks_its_districts_which_report_from_the_platform_admin(tree):
    today = timezone.localdate()
    period = services.open_period(
        unit=tree.province,
        title="Báo cáo tỉnh",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today,
        deadline=today + datetime.timedelta(days=10),
    )
    assert sorted(r.unit.code for r in period.reports.all()) == ["901", "902"]
    f.make_department(tree.province, "90S09", "Sở thử")  # departments are not asked
    report = PeriodicReport.objects.get(period=period, unit=tree.district_a)
    district = admin_client(settings.BASE_DOMAIN, make_officer(tree.district_a))
    listing = district.get("/admin/danh-gia-bao-cao/ky-bao-cao/").content.decode()
    assert "Báo cáo tỉnh" in listing
    posted = district.post(
        f"/admin/danh-gia-bao-cao/bao-cao/{report.pk}/",
        {"results": "Huyện tổng hợp 2 xã", "submit": "1"},
    )
    assert posted.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    other = PeriodicReport.objects.get(period=period, unit=tree.district_b)
    assert (
        district.get(f"/admin/danh-gia-bao-cao/bao-cao/{other.pk}/").status_code == 404
    )
    province = admin_client(settings.BASE_DOMAIN, make_officer(tree.province))
    page = province.get(f"/admin/danh-gia-bao-cao/ky-bao-cao/{period.pk}/").content
    assert "Huyện An Phú" in page.decode() and "Đã nộp" in page.decode()


@pytest.mark.django_db
def test_a_unit_user_without_the_report_permission_is_refused(tree):
    period = services.open_period(
        unit=tree.district_a,
        title="Báo cáo quyền",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        deadline=timezone.localdate(),
    )
    report = period.reports.get(unit=tree.commune_a1)
    with tenant_context(tree.commune_a1):
        user = get_user_model().objects.create_user("chixem", password="matkhau-123")
        user.user_permissions.add(
            Permission.objects.get(
                content_type__app_label="wagtailadmin", codename="access_admin"
            )
        )
    client = admin_client(tree.commune_a1, user)
    for url in (
        "/admin/danh-gia-bao-cao/don-vi/",
        f"/admin/danh-gia-bao-cao/don-vi/{report.pk}/",
        "/admin/danh-gia-bao-cao/don-vi/danh-muc/",
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "chưa được giao quyền lập báo cáo" in response.content.decode()
