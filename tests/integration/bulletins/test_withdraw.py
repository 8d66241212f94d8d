"""An approver withdraws a sent bulletin from its dashboard: open deliveries
expire, boards and speakers that show it are told to stop, and only the
sender's side (an approver in scope) may do it."""

import pytest
from django.conf import settings

from bulletins import services
from bulletins.models import Bulletin, Delivery
from bulletins.signals import bulletin_withdrawn
from tests.factories.bulletins import make_officer, make_sent_bulletin
from tests.utils import admin_client

pytestmark = [pytest.mark.django_db]


def test_approver_withdraws_a_sent_bulletin_and_devices_stop(
    tree, django_capture_on_commit_callbacks
):
    user = make_officer(tree.district_a)
    item = make_sent_bulletin(
        user,
        root=tree.district_a,
        channels=("web", "board"),
        title="Lịch tiêm phòng dại cho chó mèo",
    )
    services.pass_to_devices(item, tree.commune_a1, channels=("board",))
    stopped = []

    def listener(sender, bulletin, unit, channel, **kwargs):
        stopped.append((bulletin.pk, unit.code, channel))

    client = admin_client(settings.BASE_DOMAIN, user)
    page = client.get(f"/admin/thong-tin-nguon/{item.pk}/").content.decode()
    assert "Thu hồi" in page
    bulletin_withdrawn.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/admin/thong-tin-nguon/{item.pk}/thu-hoi/")
    finally:
        bulletin_withdrawn.disconnect(listener)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "withdrawn"
    assert stopped == [(item.pk, "90101", "board")]
    states = dict(
        Delivery.objects.filter(bulletin=item)
        .values_list("unit__code", "state")
        .filter(channel="web")
    )
    assert states == {"90101": "expired", "90102": "expired"}
    last = Delivery.objects.get(bulletin=item, unit=tree.commune_a2, channel="web")
    assert last.transitions.last().note == "Đã thu hồi."

    name = user.get_full_name() or user.get_username()
    history = list(item.status_history.values_list("from_status", "to_status", "actor"))
    assert history == [("draft", "sent", name), ("sent", "withdrawn", name)]

    again = client.post(f"/admin/thong-tin-nguon/{item.pk}/thu-hoi/", follow=True)
    page = again.content.decode()
    assert "Thông tin này đã được thu hồi." in page
    assert f"bởi {name}." in page and "Đã thu hồi lúc" in page
    assert "Thu hồi</button>" not in page


def test_only_an_approver_in_scope_may_withdraw(tree):
    user = make_officer(tree.district_a)
    item = make_sent_bulletin(user, root=tree.district_a)
    editor = admin_client(settings.BASE_DOMAIN, make_officer(tree.district_a, "editor"))
    refused = editor.post(f"/admin/thong-tin-nguon/{item.pk}/thu-hoi/", follow=True)
    assert "Bạn không có quyền thu hồi thông tin nguồn." in refused.content.decode()
    other = admin_client(settings.BASE_DOMAIN, make_officer(tree.district_b))
    assert other.post(f"/admin/thong-tin-nguon/{item.pk}/thu-hoi/").status_code == 404
    assert Bulletin.objects.get(pk=item.pk).status == "sent"
