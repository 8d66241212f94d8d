"""A Khmer reader keeps Khmer on the pages around the forms too: the
accessibility and privacy statements, listen-back, one question, one
feedback and the citizen app's pages live under /km/ with their text from
the km catalogue; what officers and citizens wrote keeps lang="vi"; the
Vietnamese pages stay at the root, unchanged."""

import json

import pytest

from broadcast.models import Program, ProgramKind
from engage import services
from tests.factories.broadcast import make_aired

pytestmark = pytest.mark.django_db


def _followable(html):
    start = html.index('<script id="pwa-followable" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def test_statements_in_khmer_and_in_vietnamese(tree, client_for):
    client = client_for(tree.commune_a1)
    km = client.get("/km/kha-nang-tiep-can/").content.decode()
    assert '<html lang="km"' in km
    for khmer in (
        "សេចក្តីថ្លែងការណ៍អំពីលទ្ធភាពប្រើប្រាស់",
        "កម្រិតនៃការអនុលោម",
        "សារាចរ 26/2020/TT-BTTTT",
        "ពង្រីកអក្សររហូតដល់ 200% ដោយមិនបាត់បង់ខ្លឹមសារ។",
        "ដែនកំណត់ដែលគេដឹងស្រាប់",
    ):
        assert khmer in km, khmer
    # The unit's and the agency's names are Vietnamese, and say so.
    assert '<span lang="vi">Xã An Bình</span> ប្តេជ្ញា' in km
    assert 'ស្ថាប័នទទួលខុសត្រូវ៖ <span lang="vi">Ủy ban nhân dân Xã An Bình</span>' in km
    for vietnamese in ("Mức độ tuân thủ", "Hạn chế đã biết", "bàn phím"):
        assert vietnamese not in km, vietnamese
    # Its links keep the reader in Khmer; the switch names the other one.
    assert 'href="/km/phan-anh-kien-nghi/gui/"' in km
    assert 'href="/kha-nang-tiep-can/" hreflang="vi"' in km

    privacy = client.get("/km/bao-ve-du-lieu-ca-nhan/").content.decode()
    for khmer in (
        "សេចក្តីជូនដំណឹងអំពីការដំណើរការទិន្នន័យផ្ទាល់ខ្លួន",
        "អនុក្រឹត្យ 13/2023/NĐ-CP",
        "ទិន្នន័យដែលយើងប្រមូល",
        "មាត្រា 9 នៃអនុក្រឹត្យ 13/2023/NĐ-CP",
        "សិទ្ធិរបស់អ្នក",
    ):
        assert khmer in privacy, khmer
    assert "Quyền của bạn" not in privacy and "Mục đích" not in privacy

    vi = client.get("/kha-nang-tiep-can/").content.decode()
    assert '<html lang="vi"' in vi
    assert "Mức độ tuân thủ" in vi and "Phóng to chữ tới 200% mà không" in vi
    assert "កម្រិត" not in vi
    vi = client.get("/bao-ve-du-lieu-ca-nhan/").content.decode()
    assert "Quyền của bạn" in vi and "Điều 9 Nghị định 13/2023/NĐ-CP" in vi


def test_one_question_and_its_tracking_in_khmer(tree, client_for):
    question = services.ask_question(
        unit=tree.commune_a1,
        title="Thủ tục đăng ký khai sinh cho con",
        body="Cần mang giấy tờ gì?",
        category="hanh-chinh",
    )
    services.answer_question(question, answer="Mang theo giấy chứng sinh.")
    client = client_for(tree.commune_a1)
    # A code typed on the Khmer tracking page leads to the Khmer page.
    found = client.get("/km/tra-cuu-ho-so/", {"ma": question.code.lower()})
    assert found["Location"] == f"/km/hoi-dap-truc-tuyen/{question.code}/"
    km = client.get(found["Location"]).content.decode()
    for khmer in ("ស្ថានភាព៖", "បានឆ្លើយ", "នីតិវិធីរដ្ឋបាល", "ចម្លើយ", "លេខកូដ"):
        assert khmer in km, khmer
    assert '<h1 lang="vi">Thủ tục đăng ký khai sinh cho con</h1>' in km
    assert '<div class="answer" lang="vi">' in km
    assert "Tình trạng" not in km and "Đã trả lời" not in km
    vi = client.get(question.public_url()).content.decode()
    assert "Tình trạng:" in vi and "Đã trả lời" in vi
    assert "<h1>Thủ tục đăng ký khai sinh cho con</h1>" in vi
    listing = client.get("/km/hoi-dap-truc-tuyen/").content.decode()
    assert f'href="/km/hoi-dap-truc-tuyen/{question.code}/"' in listing


def test_one_feedback_in_khmer_with_its_history(tree, client_for):
    feedback = services.file_feedback(
        unit=tree.commune_a1,
        title="Đèn đường hỏng ở ấp 3",
        body="Đèn đường tắt cả tháng nay.",
        category="ha-tang",
    )
    feedback.set_status("accepted", actor="cb", note="Đã giao tổ điện.")
    client = client_for(tree.commune_a1)
    km = client.get(f"/km/phan-anh-kien-nghi/{feedback.code}/").content.decode()
    for khmer in (
        "ដំណើរការដោះស្រាយ",
        "បានទទួលដោះស្រាយ",
        "ចរាចរណ៍ អគ្គិសនី ទឹក",
        "បណ្តឹង",
        "កាលកំណត់ដោះស្រាយ៖",
        "ទទួលនៅ",
    ):
        assert khmer in km, khmer
    assert '<span lang="vi">Đã giao tổ điện.</span>' in km
    assert "Quá trình xử lý" not in km and "Đã thụ lý" not in km
    vi = client.get(feedback.public_url()).content.decode()
    assert "Quá trình xử lý" in vi and "Đã thụ lý: Đã giao tổ điện." in vi

    # Answered, it is listed with the results, in Khmer too.
    feedback.set_status("in_progress", actor="cb")
    feedback.set_status("answered", actor="cb", answer="Đã thay bóng đèn.")
    km = client.get("/km/phan-anh-kien-nghi/").content.decode()
    assert '<th scope="col">ស្ថានភាព</th>' in km and 'data-label="ថ្ងៃឆ្លើយ"' in km
    assert '<td data-label="ស្ថានភាព">បានឆ្លើយ</td>' in km
    assert f'href="/km/phan-anh-kien-nghi/{feedback.code}/" lang="vi">' in km
    vi = client.get("/phan-anh-kien-nghi/").content.decode()
    assert '<td data-label="Tình trạng">Đã trả lời</td>' in vi
    assert f'<a href="/phan-anh-kien-nghi/{feedback.code}/">Đèn đường' in vi


def test_listen_back_in_khmer(tree, client_for):
    unit = tree.commune_a1
    program = Program.objects.create(
        unit=unit,
        title="Bản tin nông nghiệp buổi sáng",
        kind=ProgramKind.AUDIO,
        audio="broadcast/khmer-test.mp3",
        duration_seconds=150,
    )
    make_aired(program, "khmer-lb-1")
    client = client_for(unit)
    km = client.get("/km/nghe-lai/").content.decode()
    assert '<html lang="km"' in km
    for khmer in ("ស្តាប់ឡើងវិញ", "ឯកសារសំឡេង", "ប្រហែល 2 នាទី", "ប្រព័ន្ធឧបករណ៍បំពងសំឡេង"):
        assert khmer in km, khmer
    assert '<h2 lang="vi">Bản tin nông nghiệp buổi sáng</h2>' in km
    assert "Tệp âm thanh" not in km and "khoảng" not in km
    # The audio has one address, whatever the page's language.
    assert f'src="/nghe-lai/{program.uid}/am-thanh/"' in km
    # The chrome links to the Khmer listen-back; Vietnamese at the root.
    assert 'href="/km/nghe-lai/"' in km
    vi = client.get("/nghe-lai/").content.decode()
    assert "Tệp âm thanh" in vi and "khoảng 2 phút" in vi
    assert "<h2>Bản tin nông nghiệp buổi sáng</h2>" in vi


def test_citizen_app_pages_in_khmer(tree, client_for):
    client = client_for(tree.commune_a1)
    km = client.get("/km/ung-dung/").content.decode()
    assert '<html lang="km"' in km
    for khmer in ("តាមដាន និងការព្រមាន", "អង្គភាពដែលអ្នកតាមដាន", "អានពេលគ្មានអ៊ីនធឺណិត"):
        assert khmer in km, khmer
    # What the script says comes from the page, in its language.
    assert 'data-text-alerts-on="ទទួលការព្រមាន"' in km
    assert 'data-text-added="បានបន្ថែម {name} ទៅក្នុងបញ្ជីតាមដាន។"' in km
    assert "Danh sách đơn vị bạn theo dõi" not in km
    # The commune has Khmer pages: followed from here, it opens in Khmer;
    # the district has none.
    followable = {u["code"]: u["url"] for u in _followable(km)}
    assert followable[tree.commune_a1.code].endswith("/km/")
    assert followable[tree.district_a.code].endswith("/")
    assert not followable[tree.district_a.code].endswith("/km/")
    offline = client.get("/km/ung-dung/ngoai-tuyen/").content.decode()
    assert "គ្មានការតភ្ជាប់អ៊ីនធឺណិត" in offline
    assert 'data-text-none-saved="មិនទាន់មានព័ត៌មានណាមួយត្រូវបានរក្សាទុកទេ។"' in offline
    # The footer sends a Khmer reader to the Khmer app page.
    assert 'href="/km/ung-dung/"' in km
    vi = client.get("/ung-dung/").content.decode()
    assert 'data-text-alerts-on="Nhận cảnh báo"' in vi and "Danh sách đơn vị" in vi
    # The service worker keeps the Khmer offline page for Khmer pages.
    sw = client.get("/sw.js").content.decode()
    assert '"/km/ung-dung/ngoai-tuyen/"' in sw and '"/ung-dung/ngoai-tuyen/"' in sw
    other = client_for(tree.commune_a2).get("/sw.js").content.decode()
    assert '"/km/ung-dung/ngoai-tuyen/"' not in other
