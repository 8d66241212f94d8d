"""Event, organisation and procedures pages as a citizen reads them, and
what an editor cannot save."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context
from wagtail.models import Locale

from cms.models import (
    EventPage,
    OrganisationPage,
    Person,
    ProcedureLink,
    ProceduresPage,
)
from cms.services import section
from tests.factories.cms import publish

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_event_shows_time_and_place_in_local_time(tree, client_for):
    with tenant_context(tree.commune_a1):
        event = section("thong-bao").add_child(
            instance=EventPage(
                title="Ngày hội tiêm chủng",
                starts_at=datetime.datetime(2025, 12, 15, 7, 30, tzinfo=HCM),
                ends_at=datetime.datetime(2025, 12, 15, 16, 0, tzinfo=HCM),
                place="Trạm y tế xã An Bình",
                summary="Tiêm vắc xin sởi cho trẻ từ 1 đến 5 tuổi.",
                live=False,
            )
        )
        url = publish(event).url
    html = client_for(tree.commune_a1).get(url).content.decode()
    assert "07:30, 15/12/2025 – 16:00, 15/12/2025" in html
    assert "Trạm y tế xã An Bình" in html and "Tiêm vắc xin sởi" in html
    assert client_for(tree.commune_a2).get(url).status_code == 404


def test_event_ending_before_it_starts_is_refused_in_vietnamese(tree):
    with tenant_context(tree.commune_a1):
        event = EventPage(
            title="Họp dân",
            slug="hop-dan",
            starts_at=datetime.datetime(2025, 12, 15, 14, 0, tzinfo=HCM),
            ends_at=datetime.datetime(2025, 12, 15, 9, 0, tzinfo=HCM),
            place="Nhà văn hóa ấp 3",
        )
        with pytest.raises(ValidationError) as refused:
            event.clean()
    assert refused.value.message_dict["ends_at"] == [
        "Thời gian kết thúc phải sau bắt đầu."
    ]


def test_organisation_lists_the_units_own_people_in_order(tree, client_for):
    with tenant_context(tree.commune_a2):
        vi = Locale.objects.get(language_code="vi")
        Person.objects.create(
            name="Trần Văn Bình", position="Bí thư Đảng ủy", sort_order=1, locale=vi
        )
    with tenant_context(tree.commune_a1):
        vi = Locale.objects.get(language_code="vi")
        Person.objects.create(
            name="Lê Thị Hoa",
            position="Phó Chủ tịch UBND xã",
            phone="0299 3 812 345",
            email="hoa@anbinh.gov.vn",
            sort_order=2,
            locale=vi,
        )
        Person.objects.create(
            name="Nguyễn Văn An", position="Chủ tịch UBND xã", sort_order=1, locale=vi
        )
        page = section("gioi-thieu").add_child(
            instance=OrganisationPage(title="Lãnh đạo xã", live=False)
        )
        url = publish(page).url
    html = client_for(tree.commune_a1).get(url).content.decode()
    assert html.index("Nguyễn Văn An") < html.index("Lê Thị Hoa")
    assert 'href="tel:02993812345"' in html
    assert 'href="mailto:hoa@anbinh.gov.vn"' in html
    assert "Trần Văn Bình" not in html  # another commune's official


def test_organisation_without_people_says_so(tree, client_for):
    with tenant_context(tree.commune_b1):
        page = section("gioi-thieu").add_child(
            instance=OrganisationPage(title="Cơ cấu tổ chức", live=False)
        )
        url = publish(page).url
    html = client_for(tree.commune_b1).get(url).content.decode()
    assert "Chưa có thông tin cán bộ." in html


def test_procedures_link_to_the_public_service_portal(tree, client_for):
    with tenant_context(tree.commune_a1):
        page = section("gioi-thieu").add_child(
            instance=ProceduresPage(title="Thủ tục hành chính", live=False)
        )
        ProcedureLink.objects.create(
            page=page,
            title="Đăng ký khai sinh",
            field="Hộ tịch",
            url="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc.html?ma=1.001193",
            sort_order=0,
        )
        url = publish(page).url
    html = client_for(tree.commune_a1).get(url).content.decode()
    assert "Đăng ký khai sinh" in html and "Hộ tịch" in html
    assert (
        'href="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc.html?ma=1.001193"'
        in html
    )
    assert 'href="https://dichvucong.gov.vn"' in html  # the portal button
    assert "Chưa có thủ tục nào" not in html
