"""Demo content so no section of a demo unit is empty: the unit's contacts
(the NĐ 42/2022 footer, Liên hệ), leaders and an organisation page,
procedures linking to the national public-service portal, real legal
documents (numbers and dates cited in ../shared/corpus), and, for a
Khmer-enabled unit, Khmer translations of the home page, the sections and
three articles. Called by ``manage.py load_demo`` inside the unit's schema;
idempotent."""

import datetime as dt

from django.utils import timezone
from wagtail.models import Locale, Site
from wagtail.rich_text import RichText

# Documents cited by the provinces' plans in the corpus (real numbers, dates
# and issuers).
LEGAL_DOCUMENTS = [
    {
        "number": "135/QĐ-TTg",
        "doc_type": "quyet-dinh",
        "issuer": "Thủ tướng Chính phủ",
        "issued_on": dt.date(2020, 1, 20),
        "summary": "Phê duyệt Đề án nâng cao hiệu quả hoạt động thông tin cơ sở "
        "dựa trên ứng dụng công nghệ thông tin.",
    },
    {
        "number": "39/2020/TT-BTTTT",
        "doc_type": "khac",
        "issuer": "Bộ Thông tin và Truyền thông",
        "issued_on": dt.date(2020, 11, 24),
        "summary": "Thông tư quy định về quản lý đài truyền thanh cấp xã ứng dụng "
        "công nghệ thông tin – viễn thông.",
    },
    {
        "number": "1381/QĐ-BTTTT",
        "doc_type": "quyet-dinh",
        "issuer": "Bộ Thông tin và Truyền thông",
        "issued_on": dt.date(2021, 9, 7),
        "summary": "Hướng dẫn chức năng, tính năng kỹ thuật của Hệ thống thông tin "
        "nguồn trung ương và Hệ thống thông tin nguồn cấp tỉnh.",
    },
    {
        "number": "2806/HD-BTTTT",
        "doc_type": "khac",
        "issuer": "Bộ Thông tin và Truyền thông",
        "issued_on": dt.date(2024, 7, 16),
        "summary": "Hướng dẫn về xây dựng hệ thống thông tin cơ sở.",
    },
]

PROCEDURES = [
    ("Đăng ký khai sinh", "Hộ tịch"),
    ("Đăng ký kết hôn", "Hộ tịch"),
    ("Cấp giấy xác nhận tình trạng hôn nhân", "Hộ tịch"),
    ("Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực"),
    ("Đăng ký thường trú", "Đăng ký, quản lý cư trú"),
    ("Xác nhận hộ gia đình làm nông nghiệp có mức sống trung bình", "Bảo trợ xã hội"),
]

LEADERS = [
    ("Chủ tịch Ủy ban nhân dân", "Lãnh đạo Ủy ban nhân dân"),
    ("Phó Chủ tịch Ủy ban nhân dân (kinh tế)", "Lãnh đạo Ủy ban nhân dân"),
    ("Phó Chủ tịch Ủy ban nhân dân (văn hóa – xã hội)", "Lãnh đạo Ủy ban nhân dân"),
    ("Công chức Văn hóa – Xã hội", "Văn phòng – Thống kê"),
]
DEMO_NAMES = ["Trần Văn Hùng", "Lê Thị Mai", "Thạch Sô Phol", "Nguyễn Thị Hằng"]


def fill_identity(unit):
    """The agency's data of the footer and Liên hệ (demo values)."""
    from themes.models import ThemeSettings

    site = Site.objects.get(is_default_site=True)
    theme = ThemeSettings.for_site(site)
    if theme.address:
        return
    name = unit.name_with_type or unit.name
    digits = "".join(c for c in unit.code if c.isdigit())[-4:].rjust(4, "0")
    theme.responsible_person = f"Chủ tịch Ủy ban nhân dân {name}"
    theme.address = f"Trụ sở Ủy ban nhân dân {name}" + (
        f", {unit.parent.name_with_type}" if unit.parent_id else ""
    )
    theme.phone = f"0299 38{digits[:2]} {digits[2:]}0"
    theme.hotline = f"0299 39{digits[:2]} {digits[2:]}9"
    theme.email = f"ubnd@{unit.slug}.ttcs.vn"
    theme.office_hours = (
        "Thứ Hai – Thứ Sáu: sáng 7:00 – 11:00, chiều 13:30 – 17:00; "
        "sáng thứ Bảy tiếp nhận hồ sơ hộ tịch."
    )
    theme.licence = "Trang thông tin điện tử thử nghiệm (dữ liệu mẫu)"
    theme.save()


def add_people_and_about(unit):
    from cms.models import OrganisationPage, Person, ProcedureLink, ProceduresPage
    from cms.services import section

    locale = Locale.objects.get(language_code="vi")
    if not Person.objects.exists():
        for order, ((position, department), name) in enumerate(
            zip(LEADERS, DEMO_NAMES, strict=True)
        ):
            Person.objects.create(
                name=name,
                position=position,
                department=department,
                phone=f"0299 3{order + 1}00 {unit.code[-3:].rjust(3, '0')}",
                sort_order=order,
                locale=locale,
            )
    about = section("gioi-thieu")
    if not OrganisationPage.objects.child_of(about).exists():
        page = about.add_child(
            instance=OrganisationPage(
                title="Cơ cấu tổ chức",
                slug="co-cau-to-chuc",
                intro="<p>Ủy ban nhân dân gồm Chủ tịch, các Phó Chủ tịch và các "
                "công chức chuyên môn; Hội đồng nhân dân giám sát hoạt động "
                "của Ủy ban.</p>",
            )
        )
        page.save_revision().publish()
    if not ProceduresPage.objects.child_of(about).exists():
        page = ProceduresPage(
            title="Thủ tục hành chính",
            slug="thu-tuc-hanh-chinh",
            intro="<p>Hồ sơ nộp trực tuyến trên Cổng Dịch vụ công quốc gia hoặc "
            "tại Bộ phận một cửa của Ủy ban nhân dân.</p>",
        )
        for title, field in PROCEDURES:
            page.procedures.add(
                ProcedureLink(title=title, field=field, url="https://dichvucong.gov.vn")
            )
        about.add_child(instance=page)
        page.save_revision().publish()


def add_legal_documents():
    from cms.models import LegalDocumentIndexPage, LegalDocumentPage
    from cms.services import unique_child_slug

    index = LegalDocumentIndexPage.objects.first()
    if index is None or LegalDocumentPage.objects.child_of(index).exists():
        return
    from base.text import vietnamese_slug

    for data in LEGAL_DOCUMENTS:
        title = f"{data['number']} – {data['summary']}"[:250]
        page = LegalDocumentPage(
            title=title,
            slug=unique_child_slug(index, vietnamese_slug(data["number"])[:80]),
            effective_on=data["issued_on"],
            **data,
        )
        index.add_child(instance=page)
        page.save_revision().publish()


# Khmer: the home page, the sections and three articles.
KM_SECTIONS = {
    "gioi-thieu": "សេចក្តីផ្តើម",
    "tin-tuc": "ព័ត៌មាន",
    "van-ban": "ឯកសារ",
    "thong-bao": "សេចក្តីជូនដំណឹង",
    "hoi-dap": "សំណួរ និងចម្លើយ",
    "lien-he": "ទំនាក់ទំនង",
}
KM_HOME_INTRO = (
    "<p>សូមស្វាគមន៍មកកាន់គេហទំព័រព័ត៌មានអេឡិចត្រូនិក។ នៅទីនេះ បងប្អូនអាចអានព័ត៌មាន "
    "សេចក្តីជូនដំណឹង ឯកសាររបស់អាជ្ញាធរ ផ្ញើសំណួរ និងរាយការណ៍បញ្ហា។</p>"
)
# Three short news items written in both languages (the Khmer is the
# translation of the Vietnamese, as a reviewer would publish it).
BILINGUAL_ARTICLES = [
    {
        "vi": (
            "Tiêm chủng cho trẻ em dưới 5 tuổi",
            "Trạm y tế tiêm chủng cho trẻ vào ngày 15 hằng tháng.",
            "<p>Trạm y tế tiêm chủng cho trẻ em dưới 5 tuổi vào ngày 15 hằng "
            "tháng, từ 7 giờ sáng. Cha mẹ mang theo sổ theo dõi sức khỏe.</p>",
        ),
        "km": (
            "ចាក់វ៉ាក់សាំងជូនកុមារអាយុក្រោម ៥ ឆ្នាំ",
            "ស្ថានីយ៍សុខាភិបាលចាក់វ៉ាក់សាំងជូនកុមារនៅថ្ងៃទី ១៥ រៀងរាល់ខែ។",
            "<p>ស្ថានីយ៍សុខាភិបាល ចាក់វ៉ាក់សាំងជូនកុមារអាយុក្រោម ៥ ឆ្នាំ "
            "នៅថ្ងៃទី ១៥ រៀងរាល់ខែ ចាប់ពីម៉ោង ៧ ព្រឹក។ "
            "សូមមាតាបិតានាំយកសៀវភៅតាមដានសុខភាពមកជាមួយ។</p>",
        ),
    },
    {
        "vi": (
            "Người dân góp công làm đường bê tông trong ấp",
            "Hơn 300 người dân góp công, góp tiền làm 1,2 km đường.",
            "<p>Hơn 300 người dân, trong đó có đồng bào Khmer, góp công và "
            "kinh phí làm tuyến đường bê tông dài 1,2 km trong ấp.</p>",
        ),
        "km": (
            "ប្រជាពលរដ្ឋចូលរួមសាងសង់ផ្លូវបេតុងក្នុងភូមិ",
            "ប្រជាពលរដ្ឋជាង ៣០០ នាក់ បានចូលរួមកម្លាំង និងថវិកាសាងសង់ផ្លូវ ១,២ គីឡូម៉ែត្រ។",
            "<p>ប្រជាពលរដ្ឋជាង ៣០០ នាក់ រួមទាំងបងប្អូនជនជាតិខ្មែរ "
            "បានចូលរួមកម្លាំង និងថវិកា ដើម្បីសាងសង់ផ្លូវបេតុងប្រវែង "
            "១,២ គីឡូម៉ែត្រ ក្នុងភូមិ។</p>",
        ),
    },
    {
        "vi": (
            "Thông tin cơ sở trên loa truyền thanh và bảng tin điện tử",
            "Tin quan trọng được phát trên loa và bảng tin điện tử ở các ấp.",
            "<p>Chính quyền địa phương phát các tin quan trọng bằng tiếng Việt "
            "và tiếng Khmer trên loa truyền thanh và bảng tin điện tử, để bà "
            "con nhận thông tin kịp thời.</p>",
        ),
        "km": (
            "ផ្សព្វផ្សាយព័ត៌មានមូលដ្ឋានតាមវិទ្យុ និងក្តារព័ត៌មានអេឡិចត្រូនិក",
            "ព័ត៌មានសំខាន់ៗត្រូវបានផ្សាយតាមឧបករណ៍បំពងសំឡេង និងក្តារព័ត៌មាននៅភូមិ។",
            "<p>អាជ្ញាធរមូលដ្ឋានផ្សព្វផ្សាយព័ត៌មានសំខាន់ៗ ជាភាសាវៀតណាម "
            "និងភាសាខ្មែរ តាមឧបករណ៍បំពងសំឡេង និងក្តារព័ត៌មានអេឡិចត្រូនិក "
            "ដើម្បីឱ្យប្រជាពលរដ្ឋទទួលបានព័ត៌មានទាន់ពេល។</p>",
        ),
    },
]


def add_khmer(unit):
    """Khmer copies of the home, the sections and three bilingual articles
    (reviewed demo translations, published)."""
    from cms.models import ArticlePage, HomePage
    from cms.services import section, translate_page

    if "km" not in (unit.languages or []):
        return
    locale, _ = Locale.objects.get_or_create(language_code="km")
    vi = Locale.objects.get(language_code="vi")
    if ArticlePage.objects.filter(locale=locale).exists():
        return
    news = section("tin-tuc")
    for item in BILINGUAL_ARTICLES:
        title, summary, body = item["vi"]
        article = ArticlePage.objects.filter(locale=vi, title=title).first()
        if article is None:
            article = ArticlePage(
                title=title,
                summary=summary,
                body=[("paragraph", RichText(body))],
                date=timezone.localdate(),
                locale=vi,
            )
            news.add_child(instance=article)
            article.save_revision().publish()
        title, summary, body = item["km"]
        km = translate_page(article, "km")
        km.title = title
        km.draft_title = title
        km.summary = summary
        km.body = [("paragraph", RichText(body))]
        km.date = article.date
        km.save_revision().publish()
    for slug, title in KM_SECTIONS.items():
        page = section(slug)
        km = page.get_translation_or_none(locale)
        if km is None:
            km = translate_page(page, "km")
        km = km.specific
        km.title = title
        km.draft_title = title
        km.save_revision().publish()
    home = HomePage.objects.filter(locale=vi).first()
    km_home = home.get_translation_or_none(locale)
    if km_home is not None:
        km_home = km_home.specific
        km_home.intro = KM_HOME_INTRO
        km_home.save_revision().publish()
    Site.clear_site_root_paths_cache()


def set_home_intro(unit):
    from cms.models import HomePage
    from themes.identity import site_label

    home = HomePage.objects.filter(locale__language_code="vi").first()
    if home is None or (home.intro and "của đơn vị." not in home.intro):
        return
    name = unit.name_with_type or unit.name
    home.intro = (
        f"<p>{site_label(unit)} {name}: tin tức, thông báo, văn bản của chính "
        "quyền; hỏi đáp, phản ánh, kiến nghị và tra cứu kết quả xử lý.</p>"
    )
    home.save_revision().publish()


def load(unit):
    set_home_intro(unit)
    fill_identity(unit)
    add_people_and_about(unit)
    add_legal_documents()
    add_khmer(unit)
