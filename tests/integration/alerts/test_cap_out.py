"""CAP 1.2 out: emergency and priority bulletins become CAP alerts, in Atom
feeds per unit and per subtree; a change after sending is an Update and a
withdrawal a Cancel; everything validates against the CAP 1.2 schema."""

import xml.etree.ElementTree as ET

import pytest

from alerts import cap
from alerts.models import CapMessage
from bulletins import services
from tests.factories.bulletins import make_officer, make_sent_bulletin

pytestmark = [pytest.mark.django_db]

NS = {"cap": cap.NS, "atom": cap.ATOM}


def feed_alerts(client, path="/cap/"):
    """The inline alerts of a unit's Atom feed, each validated, and the CAP
    documents their entries link to, each fetched and validated."""
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{{{cap.ATOM}}}feed"
    found = []
    for entry in feed.findall("atom:entry", NS):
        inline = entry.find("atom:content/cap:alert", NS)
        cap.schema().validate(inline)
        href = entry.find("atom:link[@type='application/cap+xml']", NS).get("href")
        path = "/" + href.split("/", 3)[3]
        document = client.get(path)
        assert document.status_code == 200
        assert document["Content-Type"].startswith("application/cap+xml")
        alert = ET.fromstring(document.content)
        cap.schema().validate(alert)
        assert alert.findtext("cap:identifier", namespaces=NS) == inline.findtext(
            "cap:identifier", namespaces=NS
        )
        found.append(alert)
    return found


def text(alert, path):
    return alert.findtext(path, namespaces=NS)


def key(alert):
    """sender,identifier,sent: how a later CAP message references this one."""
    return ",".join(text(alert, f"cap:{n}") for n in ("sender", "identifier", "sent"))


def test_sent_emergency_bulletin_is_a_valid_cap_alert_in_the_right_feeds(
    tree, client_for, django_capture_on_commit_callbacks
):
    officer = make_officer(tree.district_a)
    with django_capture_on_commit_callbacks(execute=True):
        item = make_sent_bulletin(
            officer,
            root=tree.district_a,
            priority="emergency",
            category="disaster",
            title="Bão số 5 đổ bộ, sơ tán khẩn cấp",
            body="Người dân vùng trũng di dời trước 18 giờ.",
        )
    [alert] = feed_alerts(client_for(tree.commune_a1))
    assert text(alert, "cap:identifier") == f"ttcs-901-{item.pk}-1"
    assert text(alert, "cap:sender") == tree.district_a.primary_hostname
    assert text(alert, "cap:sent").endswith("+07:00")
    assert text(alert, "cap:status") == "Actual"
    assert text(alert, "cap:msgType") == "Alert"
    assert text(alert, "cap:scope") == "Public"
    info = alert.find("cap:info", NS)
    assert text(info, "cap:language") == "vi-VN"
    assert text(info, "cap:category") == "Met"
    assert text(info, "cap:event") == "Phòng chống thiên tai"
    assert (
        text(info, "cap:severity"),
        text(info, "cap:urgency"),
        text(info, "cap:certainty"),
    ) == ("Extreme", "Immediate", "Observed")
    assert text(info, "cap:headline") == "Bão số 5 đổ bộ, sơ tán khẩn cấp"
    assert text(info, "cap:web").endswith(f"/thong-tin-nguon/{item.pk}/")
    assert text(info, "cap:effective").endswith("+07:00")
    area = info.find("cap:area", NS)
    assert text(area, "cap:areaDesc") == "Xã An Bình, Xã An Hòa"
    codes = [
        (text(g, "cap:valueName"), text(g, "cap:value"))
        for g in area.findall("cap:geocode", NS)
    ]
    assert codes == [("MaDonViHanhChinh", "90101"), ("MaDonViHanhChinh", "90102")]

    # The sender's own feed has it; a commune of another district does not;
    # the province has it in its subtree feed, not in its own.
    assert len(feed_alerts(client_for(tree.district_a))) == 1
    assert feed_alerts(client_for(tree.commune_b1)) == []
    assert feed_alerts(client_for(tree.province)) == []
    assert len(feed_alerts(client_for(tree.province), "/cap/khu-vuc/")) == 1
    other = client_for(tree.commune_b1).get(f"/cap/ttcs-901-{item.pk}-1.xml")
    assert other.status_code == 404


def test_priority_maps_to_severe_expected_likely_and_normal_is_not_published(
    tree, client_for, django_capture_on_commit_callbacks
):
    officer = make_officer(tree.district_b)
    with django_capture_on_commit_callbacks(execute=True):
        make_sent_bulletin(officer, root=tree.district_b, priority="priority")
        make_sent_bulletin(officer, root=tree.district_b, priority="normal")
    [alert] = feed_alerts(client_for(tree.commune_b1))
    info = alert.find("cap:info", NS)
    assert (
        text(info, "cap:severity"),
        text(info, "cap:urgency"),
        text(info, "cap:certainty"),
    ) == ("Severe", "Expected", "Likely")


def test_change_after_sending_is_an_update_and_withdrawal_a_cancel(
    tree, client_for, django_capture_on_commit_callbacks
):
    officer = make_officer(tree.district_a)
    with django_capture_on_commit_callbacks(execute=True):
        item = make_sent_bulletin(
            officer, units=[tree.commune_a1], priority="emergency"
        )
    with django_capture_on_commit_callbacks(execute=True):
        item.title = "Cập nhật: nước lũ lên nhanh"
        item.save()
    with django_capture_on_commit_callbacks(execute=True):
        item.save()  # no change: no new message
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_bulletin(item, user=officer)

    alerts = feed_alerts(client_for(tree.commune_a1))
    assert [text(a, "cap:msgType") for a in alerts] == ["Cancel", "Update", "Alert"]
    cancel, update, first = alerts
    reference = key(first)
    assert text(update, "cap:references") == reference
    assert text(update, "cap:identifier") == f"ttcs-901-{item.pk}-2"
    assert text(update, "cap:info/cap:headline") == "Cập nhật: nước lũ lên nhanh"
    assert text(cancel, "cap:references").split() == [
        reference,
        key(update),
    ]
    assert CapMessage.objects.filter(bulletin=item).count() == 3


def test_unit_pages_link_their_cap_feed(tree, client_for):
    page = client_for(tree.commune_a1).get("/")
    assert page.status_code == 200
    assert (
        '<link rel="alternate" type="application/atom+xml" href="/cap/" '
        'title="Cảnh báo (CAP)">' in page.content.decode()
    )
