"""Legal documents: filters by type, issuer, year and number; no document
without its number and date."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_tenants.utils import tenant_context
from wagtail.test.utils.form_data import querydict_from_html

from cms.models import LegalDocumentPage
from cms.services import section
from tests.factories.cms import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(tree):
    with tenant_context(tree.commune_a1):
        make_document(
            "05/2024/NQ-HĐND",
            doc_type="nghi-quyet",
            issuer="HĐND xã",
            issued_on=datetime.date(2024, 6, 10),
        )
        make_document(
            "12/2025/QĐ-UBND",
            doc_type="quyet-dinh",
            issuer="UBND xã",
            issued_on=datetime.date(2025, 3, 1),
        )
        make_document(
            "30/2025/QĐ-UBND",
            doc_type="quyet-dinh",
            issuer="UBND huyện",
            issued_on=datetime.date(2025, 9, 15),
        )
        make_document("99/2025/KH-UBND", doc_type="ke-hoach", live=False)
        url = section("van-ban").url
    with tenant_context(tree.commune_a2):
        make_document("12/2025/QĐ-UBND-KHAC", doc_type="quyet-dinh")
    return url


def numbers(response):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(response.content, "html.parser")
    return sorted(a.get_text() for a in soup.select("tr.doc-row td:first-child a"))


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, ["05/2024/NQ-HĐND", "12/2025/QĐ-UBND", "30/2025/QĐ-UBND"]),
        ({"loai": "quyet-dinh"}, ["12/2025/QĐ-UBND", "30/2025/QĐ-UBND"]),
        ({"co_quan": "UBND xã"}, ["12/2025/QĐ-UBND"]),
        ({"nam": "2024"}, ["05/2024/NQ-HĐND"]),
        ({"so_hieu": "30/2025"}, ["30/2025/QĐ-UBND"]),
        # Typed without diacritics, in lower case, or only in part (ux B9).
        ({"so_hieu": "30/2025/QD-UBND"}, ["30/2025/QĐ-UBND"]),
        ({"so_hieu": "12/2025/qd"}, ["12/2025/QĐ-UBND"]),
        ({"so_hieu": "nq-hdnd"}, ["05/2024/NQ-HĐND"]),
        ({"so_hieu": "qđ-ubnd"}, ["12/2025/QĐ-UBND", "30/2025/QĐ-UBND"]),
        (
            {"loai": "quyet-dinh", "nam": "2025", "co_quan": "UBND huyện"},
            ["30/2025/QĐ-UBND"],
        ),
        ({"loai": "chi-thi"}, []),
    ],
)
def test_document_filters_return_the_right_documents(
    tree, client_for, documents, query, expected
):
    response = client_for(tree.commune_a1).get(documents, query)
    assert response.status_code == 200
    assert numbers(response) == expected


def test_invalid_filter_shows_no_error_page(tree, client_for, documents):
    response = client_for(tree.commune_a1).get(documents, {"nam": "abc"})
    assert response.status_code == 200
    assert numbers(response) == []


def test_document_page_offers_print_and_download(tree, client_for, documents):
    with tenant_context(tree.commune_a1):
        url = LegalDocumentPage.objects.get(number="12/2025/QĐ-UBND").url
    html = client_for(tree.commune_a1).get(url).content.decode()
    assert "Số hiệu" in html and "12/2025/QĐ-UBND" in html
    assert "01/03/2025" in html
    assert "In trang này" in html


def test_document_without_number_or_date_is_refused_naming_the_field(tree):
    with tenant_context(tree.commune_a1):
        page = LegalDocumentPage(
            title="Văn bản thiếu số hiệu",
            slug="van-ban-thieu",
            number="",
            doc_type="quyet-dinh",
            issuer="UBND xã",
            issued_on=None,
            summary="Thiếu số hiệu và ngày.",
        )
        with pytest.raises(ValidationError) as error:
            section("van-ban").add_child(instance=page)
        messages = error.value.message_dict
        assert "Số hiệu" in messages["number"][0]
        assert "Ngày ban hành" in messages["issued_on"][0]
        assert not LegalDocumentPage.objects.filter(slug="van-ban-thieu").exists()


def test_admin_refuses_publishing_a_document_without_number(
    tree, staff, login, documents
):
    _, approver = staff
    with tenant_context(tree.commune_a1):
        page = LegalDocumentPage.objects.get(number="12/2025/QĐ-UBND")
    client = login(approver)
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = querydict_from_html(client.get(edit_url).content.decode(), "page-edit-form")
    data["number"] = ""
    data["action-publish"] = "1"
    response = client.post(edit_url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "số hiệu" in html.lower()
    with tenant_context(tree.commune_a1):
        page.refresh_from_db()
        assert page.number == "12/2025/QĐ-UBND"
