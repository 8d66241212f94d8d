"""The beat task that reads upstream CAP sources, run by a real Celery worker
against a local upstream feed: the alert becomes a draft bulletin, and the
next run (a replay of the same feed) makes nothing more."""

import uuid

import pytest

from alerts.models import CapIntake, CapSource
from bulletins.models import Bulletin
from tests.utils import wait_for

from .test_cap_in import Upstream, alert_xml, atom

pytestmark = [pytest.mark.worker]


def test_worker_polls_the_source_into_one_draft_bulletin(
    tree, committed, celery_worker_process
):
    from alerts.tasks import poll_cap_sources

    upstream = Upstream()
    identifier = f"VN-WORKER-{uuid.uuid4().hex[:8]}"
    upstream.files["/feed.xml"] = atom("/alerts/w.xml")
    upstream.files["/alerts/w.xml"] = alert_xml(identifier, codes=("90102",))
    source = CapSource.objects.create(
        unit=tree.province, name="Trung ương", url=upstream.url + "/feed.xml"
    )
    try:
        poll_cap_sources.delay()  # ignore_result: wait for its work instead
        assert wait_for(lambda: CapIntake.objects.filter(source=source).exists())
        [row] = CapIntake.objects.filter(source=source)
        assert row.outcome == "accepted", row.reason
        assert row.identifier == identifier
        bulletin = Bulletin.objects.get(cap_intakes=row)
        assert bulletin.status == "draft"
        assert [u.code for u in bulletin.target_units.all()] == ["90102"]

        polled = CapSource.objects.get(pk=source.pk).last_polled_at
        poll_cap_sources.delay()
        assert wait_for(
            lambda: CapSource.objects.get(pk=source.pk).last_polled_at != polled
        )
        assert CapIntake.objects.filter(source=source).count() == 1
        assert Bulletin.objects.filter(cap_intakes__source=source).count() == 1
    finally:
        upstream.close()
        Bulletin.objects.filter(cap_intakes__source=source).delete()
        source.delete()
