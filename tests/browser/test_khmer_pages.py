"""A Khmer reader on a phone (375 px, Debian's Chromium) reads in Khmer the
pages around the forms: the accessibility statement, the personal-data
notice, listen-back, one question, one feedback, the citizen app's page
(with what its script writes: "Theo dõi", alerts), the offline page and the
install offer. On each, lang="km" covers only Khmer text (what is
Vietnamese, names and what officers wrote, carries lang="vi"), axe finds
nothing serious, and the Vietnamese page at the root is still Vietnamese.
Screenshots: test-artifacts/khmer-page-*.png."""

import re

import pytest

from broadcast.models import Program, ProgramKind, SpeakerCluster
from engage import services
from engage.models import Feedback, Question
from tests.factories.broadcast import make_aired
from tests.utils import axe_serious_violations

pytestmark = [pytest.mark.browser]

PHONE = {"width": 375, "height": 812}

# Text under lang="km" that is Vietnamese: a Latin letter with a Vietnamese
# diacritic (document numbers such as 13/2023/NĐ-CP aside: codes, not words).
MISTAGGED = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, template')) continue;
    const owner = parent.closest('[lang]');
    const lang = owner ? owner.getAttribute('lang') : '';
    const text = node.textContent.replace(/\\d+\\/\\d{4}\\/[A-ZĐ-]+/g, '');
    const latin = /[\\u00C0-\\u024F\\u1E00-\\u1EFF]/.test(text);
    const khmer = /[\\u1780-\\u17FF]/.test(text);
    if ((lang === 'km' && latin) || (lang === 'vi' && khmer)) found.push(text.trim());
  }
  return found;
}"""


@pytest.fixture
def citizen_items(tree, committed):
    """An answered question, a feedback in progress and a played programme
    of the Khmer-enabled commune (committed: the live server reads them)."""
    unit = tree.commune_a1
    question = services.ask_question(
        unit=unit,
        title="Thủ tục đăng ký khai sinh cho con",
        body="Cần mang theo giấy tờ gì khi đăng ký khai sinh?",
        category="hanh-chinh",
    )
    services.answer_question(
        question, answer="Mang theo giấy chứng sinh và căn cước của cha mẹ."
    )
    feedback = services.file_feedback(
        unit=unit,
        title="Đèn đường hỏng ở ấp 3",
        body="Đèn đường tắt cả tháng nay.",
        category="ha-tang",
    )
    feedback.set_status("accepted", actor="cb", note="Đã giao tổ điện kiểm tra.")
    program = Program.objects.create(
        unit=unit,
        title="Bản tin nông nghiệp buổi sáng",
        kind=ProgramKind.AUDIO,
        text="Bà con chú ý phòng trừ rầy nâu trên lúa hè thu.",
        audio="broadcast/khmer-browser.mp3",
        duration_seconds=150,
    )
    cluster = make_aired(program, "khmer-pages-1")
    yield {"question": question.code, "feedback": feedback.code}
    Program.objects.filter(pk=program.pk).delete()
    SpeakerCluster.objects.filter(pk=cluster.pk).delete()
    Question.objects.filter(pk=question.pk).delete()
    Feedback.objects.filter(pk=feedback.pk).delete()


def open_khmer(page, live_site, unit, path, artifacts_dir, name):
    page.goto(live_site.url(unit, "/km" + path))
    assert page.get_attribute("html", "lang") == "km"
    # The chrome is Khmer, the unit's name tagged Vietnamese.
    assert page.locator(".skip-link").inner_text() == "រំលងទៅខ្លឹមសារសំខាន់"
    assert page.locator(".site-unit").get_attribute("lang") == "vi"
    assert page.evaluate(MISTAGGED) == []
    page.screenshot(path=artifacts_dir / f"khmer-page-{name}-375.png", full_page=True)
    assert axe_serious_violations(page) == []
    return page.locator("main")


def open_vietnamese(page, live_site, unit, path, expected):
    page.goto(live_site.url(unit, path))
    assert page.get_attribute("html", "lang") == "vi"
    main = page.locator("main").inner_text()
    for text in expected:
        assert text in main, text
    assert not re.search("[\u1780-\u17ff]", main)
    assert page.evaluate(MISTAGGED) == []


def test_khmer_statements_on_a_phone(tree, committed, live_site, page, artifacts_dir):
    page.set_viewport_size(PHONE)
    unit = tree.commune_a1
    main = open_khmer(
        page, live_site, unit, "/kha-nang-tiep-can/", artifacts_dir, "accessibility"
    )
    assert main.locator("h1").inner_text() == "សេចក្តីថ្លែងការណ៍អំពីលទ្ធភាពប្រើប្រាស់"
    text = main.inner_text()
    for khmer in (
        "កម្រិតនៃការអនុលោម",
        "ពង្រីកអក្សររហូតដល់ 200% ដោយមិនបាត់បង់ខ្លឹមសារ។",
        "ដែនកំណត់ដែលគេដឹងស្រាប់",
        "ប្រសិនបើអ្នកជួបការលំបាកក្នុងការប្រើគេហទំព័រ សូមប្រាប់យើង៖",
    ):
        assert khmer in text, khmer
    assert main.locator("p span[lang=vi]").first.inner_text() == "Xã An Bình"
    # Its feedback link keeps the reader in Khmer.
    main.get_by_role("link", name="ផ្ញើបណ្តឹង និងសំណូមពរ").click()
    page.wait_for_url("**/km/phan-anh-kien-nghi/gui/")

    main = open_khmer(
        page, live_site, unit, "/bao-ve-du-lieu-ca-nhan/", artifacts_dir, "privacy"
    )
    assert main.locator("h1").inner_text() == ("សេចក្តីជូនដំណឹងអំពីការដំណើរការទិន្នន័យផ្ទាល់ខ្លួន")
    text = main.inner_text()
    for khmer in ("ទិន្នន័យដែលយើងប្រមូល", "គោលបំណង", "សិទ្ធិរបស់អ្នក", "មាត្រា 9"):
        assert khmer in text, khmer

    open_vietnamese(
        page,
        live_site,
        unit,
        "/kha-nang-tiep-can/",
        ["Tuyên bố về khả năng tiếp cận", "Mức độ tuân thủ", "Hạn chế đã biết"],
    )
    open_vietnamese(
        page,
        live_site,
        unit,
        "/bao-ve-du-lieu-ca-nhan/",
        ["Thông báo về xử lý dữ liệu cá nhân", "Quyền của bạn"],
    )


def test_khmer_question_feedback_and_listen_back_on_a_phone(
    tree, citizen_items, live_site, page, artifacts_dir
):
    page.set_viewport_size(PHONE)
    unit = tree.commune_a1
    code = citizen_items["question"]
    # The tracking page in Khmer leads to the question in Khmer.
    page.goto(live_site.url(unit, "/km/tra-cuu-ho-so/"))
    page.fill("#ma", code.lower())
    page.get_by_role("button", name="ស្វែងរក").last.click()
    page.wait_for_url(f"**/km/hoi-dap-truc-tuyen/{code}/")
    main = open_khmer(
        page, live_site, unit, f"/hoi-dap-truc-tuyen/{code}/", artifacts_dir, "question"
    )
    assert main.locator("h1").get_attribute("lang") == "vi"
    assert main.locator(".status").inner_text() == "ស្ថានភាព៖ បានឆ្លើយ"
    assert main.locator(".answer").get_attribute("lang") == "vi"
    assert [h.strip() for h in main.locator("h2").all_inner_texts()] == [
        "សំណួរ",
        "ចម្លើយ",
    ]

    code = citizen_items["feedback"]
    main = open_khmer(
        page,
        live_site,
        unit,
        f"/phan-anh-kien-nghi/{code}/",
        artifacts_dir,
        "feedback",
    )
    status = main.locator(".status").inner_text()
    assert status.startswith("ស្ថានភាព៖ បានទទួលដោះស្រាយ · អង្គភាពដោះស្រាយ៖ Xã An Bình")
    assert "កាលកំណត់ដោះស្រាយ៖" in status
    timeline = main.locator(".timeline").inner_text()
    assert "ទទួលនៅ" in timeline and "បានទទួលដោះស្រាយ: Đã giao tổ điện" in timeline
    assert main.locator(".timeline span[lang=vi]").count() == 2

    main = open_khmer(page, live_site, unit, "/nghe-lai/", artifacts_dir, "listen-back")
    assert main.locator("h1").inner_text() == "ស្តាប់ឡើងវិញ"
    card = main.locator(".listen-back .card").first
    assert card.locator("h2").get_attribute("lang") == "vi"
    assert "ឯកសារសំឡេង" in card.inner_text() and "ប្រហែល 2 នាទី" in card.inner_text()
    assert card.locator("summary").inner_text() == "ខ្លឹមសារ"
    # The menu's listen-back link stays in Khmer.
    assert page.locator("footer a", has_text="ស្តាប់កម្មវិធីវិទ្យុឡើងវិញ").get_attribute(
        "href"
    ) == ("/km/nghe-lai/")

    open_vietnamese(
        page,
        live_site,
        unit,
        f"/hoi-dap-truc-tuyen/{citizen_items['question']}/",
        ["Tình trạng: Đã trả lời", "Trả lời ngày"],
    )
    open_vietnamese(
        page,
        live_site,
        unit,
        f"/phan-anh-kien-nghi/{citizen_items['feedback']}/",
        ["Quá trình xử lý", "Đã thụ lý: Đã giao tổ điện kiểm tra."],
    )
    open_vietnamese(
        page, live_site, unit, "/nghe-lai/", ["Tệp âm thanh", "khoảng 2 phút"]
    )


def test_khmer_citizen_app_on_a_phone(tree, committed, live_site, page, artifacts_dir):
    page.set_viewport_size(PHONE)
    unit = tree.commune_a1
    page.goto(live_site.url(unit, "/km/ung-dung/"))
    main = page.locator("main")
    assert main.locator("h1").inner_text() == "តាមដាន និងការព្រមាន"
    # What the script writes: "Theo dõi" and alerts, in Khmer.
    follow = main.locator(f"[data-pwa-follow='{unit.code}']")
    assert follow.inner_text() == "តាមដាន"
    follow.click()
    status = main.locator("[data-pwa-status]")
    assert status.inner_text().startswith("បានបន្ថែម Xã An Bình ទៅក្នុងបញ្ជីតាមដាន")
    row = main.locator(f"[data-pwa-follow-list] li[data-unit='{unit.code}']")
    assert row.locator("[data-pwa-alerts]").inner_text() == "ទទួលការព្រមាន"
    assert row.locator("[data-pwa-unfollow]").inner_text() == "ឈប់តាមដាន"
    assert row.locator("a").get_attribute("lang") == "vi"
    # The install offer, when the browser makes it.
    page.evaluate("() => window.dispatchEvent(new Event('beforeinstallprompt'))")
    bar = page.locator("[data-pwa-install-bar]")
    bar.wait_for()
    assert "ដំឡើងកម្មវិធីលើទូរស័ព្ទ" in bar.inner_text()
    assert bar.get_by_role("button", name="ពេលក្រោយ").is_visible()
    open_khmer(page, live_site, unit, "/ung-dung/", artifacts_dir, "app")
    page.evaluate("() => window.dispatchEvent(new Event('beforeinstallprompt'))")
    follow = page.locator(f"[data-pwa-follow-list] li[data-unit='{unit.code}']")
    assert follow.count() == 1  # kept on the phone
    page.screenshot(path=artifacts_dir / "khmer-page-app-followed-375.png")
    assert page.evaluate(MISTAGGED) == []
    assert axe_serious_violations(page) == []

    main = open_khmer(
        page, live_site, unit, "/ung-dung/ngoai-tuyen/", artifacts_dir, "offline"
    )
    assert main.locator("h1").inner_text() == "គ្មានការតភ្ជាប់អ៊ីនធឺណិត"
    news = main.locator("[data-pwa-saved='news']")
    page.wait_for_function(
        "() => !document.querySelector(\"[data-pwa-saved='news']\")"
        ".textContent.includes('កំពុងស្វែងរក')"
    )
    if news.locator("a").count() == 0:
        assert news.inner_text() == "មិនទាន់មានព័ត៌មានណាមួយត្រូវបានរក្សាទុកទេ។"

    page.goto(live_site.url(unit, "/ung-dung/"))
    assert page.get_attribute("html", "lang") == "vi"
    row = page.locator(f"[data-pwa-follow-list] li[data-unit='{unit.code}']")
    assert row.locator("[data-pwa-alerts]").inner_text() == "Nhận cảnh báo"
    assert row.locator("[data-pwa-unfollow]").inner_text() == "Bỏ theo dõi"
    assert page.evaluate(MISTAGGED) == []


def test_khmer_reader_offline_gets_the_khmer_offline_page(
    tree, citizen_items, live_site, browser, artifacts_dir
):
    """Offline, a Khmer page never opened gives the Khmer offline page (kept
    at install), listing the Khmer question page the reader opened."""
    unit = tree.commune_a1
    code = citizen_items["question"]
    context = browser.new_context(
        locale="km-KH", timezone_id="Asia/Ho_Chi_Minh", viewport=PHONE
    )
    try:
        page = context.new_page()
        page.goto(live_site.url(unit, "/km/kha-nang-tiep-can/"))
        page.wait_for_function(
            "() => navigator.serviceWorker && navigator.serviceWorker.controller",
            timeout=20000,
        )
        page.goto(live_site.url(unit, f"/km/hoi-dap-truc-tuyen/{code}/"))
        page.wait_for_function(
            """path => caches.open('ttcs-app-pages').then(c => c.keys())
                 .then(k => k.some(r => r.url.includes(path)))""",
            arg=f"/km/hoi-dap-truc-tuyen/{code}/",
            timeout=10000,
        )
        context.set_offline(True)
        page.goto(live_site.url(unit, "/km/khao-sat/"))
        assert page.get_attribute("html", "lang") == "km"
        assert page.locator("h1").inner_text() == "គ្មានការតភ្ជាប់អ៊ីនធឺណិត"
        kept = page.locator(
            f'[data-pwa-saved="tracking"] a[href*="/km/hoi-dap-truc-tuyen/{code}/"]'
        )
        kept.wait_for()
        assert kept.inner_text() == "Thủ tục đăng ký khai sinh cho con"
        assert kept.get_attribute("lang") == "vi"
        assert page.evaluate(MISTAGGED) == []
        page.screenshot(
            path=artifacts_dir / "khmer-page-offline-kept-375.png", full_page=True
        )
        # The Vietnamese pages still get the Vietnamese one.
        page.goto(live_site.url(unit, "/khao-sat/"))
        assert page.locator("h1").inner_text() == "Không có kết nối mạng"
    finally:
        context.close()
