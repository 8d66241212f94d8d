"""The demo leaves no section empty: contacts, leaders, organisation,
procedures, real legal documents, and Khmer pages for a Khmer unit."""

import pytest
from django_tenants.utils import tenant_context

from tests.factories.cms import publish_article

pytestmark = pytest.mark.django_db


def test_demo_fills_every_section_and_ships_khmer_pages(tree, client_for):
    from cms import demo
    from cms.models import (
        ArticlePage,
        HomePage,
        LegalDocumentPage,
        OrganisationPage,
        ProceduresPage,
        SectionPage,
    )

    with tenant_context(tree.commune_a1):
        publish_article(tree.commune_a1, title="Tin mẫu của xã")
        demo.load(tree.commune_a1)
        demo.load(tree.commune_a1)  # idempotent
        numbers = set(LegalDocumentPage.objects.live().values_list("number", flat=True))
        assert {"135/QĐ-TTg", "39/2020/TT-BTTTT"} <= numbers
        assert len(numbers) == len(demo.LEGAL_DOCUMENTS)
        assert OrganisationPage.objects.live().count() == 1
        assert ProceduresPage.objects.live().get().procedures.count() >= 5
        khmer = ArticlePage.objects.live().filter(locale__language_code="km")
        assert khmer.count() == 3
        assert all(any("\u1780" <= c <= "\u17ff" for c in p.title) for p in khmer)
        # Each is the translation of its Vietnamese article.
        sources = {p.get_translation(p.locale.get_default()).title for p in khmer}
        assert sources == {a["vi"][0] for a in demo.BILINGUAL_ARTICLES}
        km_sections = SectionPage.objects.live().filter(locale__language_code="km")
        titles = set(km_sections.values_list("title", flat=True))
        assert {"ព័ត៌មាន", "សេចក្តីផ្តើម"} <= titles
        km_home = HomePage.objects.live().get(locale__language_code="km")
        assert "សូមស្វាគមន៍" in km_home.intro
    client = client_for(tree.commune_a1)
    home = client.get("/").content.decode()
    assert "Trụ sở Ủy ban nhân dân Xã An Bình" in home  # footer address
    assert "135/QĐ-TTg" in home  # Văn bản mới
    about = client.get("/gioi-thieu/").content.decode()
    assert "Trần Văn Hùng" in about and "Thủ tục hành chính" in about
    procedures = client.get("/gioi-thieu/thu-tuc-hanh-chinh/").content.decode()
    assert "Đăng ký khai sinh" in procedures
    assert "https://dichvucong.gov.vn" in procedures
    assert "Giờ làm việc" in client.get("/lien-he/").content.decode()
    km = client.get("/km/")
    assert km.status_code == 200
    km = km.content.decode()
    assert "សូមស្វាគមន៍" in km and "ព័ត៌មានថ្មីៗ" in km
