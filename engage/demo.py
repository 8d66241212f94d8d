"""Citizens' side of the demo: questions answered and waiting, feedback
handled to the end (with the citizen's rating) and still in hand, and site
ratings, so a newcomer sees the Q&A list, the results of the communes on
the district and province portals and the ratings per level filled in.

Written through the same services and status pipeline as the public forms
and the officers' admin (``ask_question``/``answer_question``,
``file_feedback``/``Feedback.answer_now``), so the history of each item is
true. Idempotent: a unit that already has questions is left as it is.
"""

from .choices import Category, FeedbackKind
from .models import Feedback, Question, SiteRating
from .services import answer_question, ask_question, file_feedback

QUESTIONS = [
    (
        Category.ADMIN,
        "Đăng ký khai sinh cho con cần những giấy tờ gì?",
        "Con tôi sinh tại bệnh viện tỉnh tuần trước. Tôi cần mang theo giấy tờ "
        "gì khi đến Ủy ban đăng ký khai sinh, và có làm trực tuyến được không?",
        "Chào anh/chị. Khi đăng ký khai sinh, anh/chị mang giấy chứng sinh do "
        "bệnh viện cấp và căn cước của cha hoặc mẹ; nếu cha mẹ đã đăng ký kết "
        "hôn thì mang theo giấy chứng nhận kết hôn. Anh/chị cũng có thể nộp "
        "trực tuyến trên Cổng Dịch vụ công quốc gia (liên thông khai sinh – "
        "thường trú – thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi). Thời hạn giải "
        "quyết: trong ngày làm việc.",
    ),
    (
        Category.HEALTH,
        "Lịch tiêm chủng mở rộng tháng này ở trạm y tế?",
        "Cháu nhà tôi 9 tháng tuổi, đến lịch tiêm sởi. Trạm y tế tiêm vào ngày "
        "nào trong tháng?",
        "Trạm y tế tổ chức tiêm chủng mở rộng vào ngày 15 hằng tháng, từ 7 giờ "
        "đến 11 giờ. Gia đình mang theo sổ tiêm chủng của cháu. Nếu ngày 15 "
        "trùng ngày nghỉ, lịch tiêm lùi sang ngày làm việc kế tiếp và được "
        "thông báo trên loa truyền thanh.",
    ),
    (
        Category.SOCIAL,
        "Hồ sơ đề nghị trợ cấp cho người cao tuổi từ 75 tuổi?",
        "Mẹ tôi năm nay tròn 75 tuổi, không có lương hưu. Gia đình cần làm hồ "
        "sơ gì để mẹ được nhận trợ cấp xã hội hằng tháng?",
        None,  # waiting for an answer: shown only to the officers
    ),
]

FEEDBACK = [
    (
        Category.INFRA,
        FeedbackKind.REPORT,
        "Đèn đường hỏng đoạn gần chợ",
        "Ba bóng đèn đường trên đoạn từ cổng chợ đến cầu đã tắt hơn một tuần, "
        "buổi tối người đi đường rất khó thấy.",
        "Đoạn đường từ cổng chợ đến cầu",
        "Ủy ban đã phối hợp với Điện lực thay 3 bóng đèn hỏng ngày hôm qua; "
        "đoạn đường đã sáng trở lại. Cảm ơn người dân đã phản ánh.",
        5,
    ),
    (
        Category.ENVIRONMENT,
        FeedbackKind.REPORT,
        "Rác thải tồn đọng ven kênh",
        "Rác sinh hoạt bị đổ ven kênh cạnh nhà văn hóa, bốc mùi và tràn xuống "
        "nước khi mưa.",
        "Ven kênh cạnh nhà văn hóa",
        "Tổ vệ sinh môi trường đã thu gom toàn bộ rác tồn đọng và đặt thêm "
        "thùng rác có nắp; công an khu vực nhắc nhở các hộ đổ rác không đúng "
        "nơi quy định.",
        4,
    ),
    (
        Category.INFRA,
        FeedbackKind.PROPOSAL,
        "Đề nghị làm gờ giảm tốc trước trường tiểu học",
        "Xe chạy nhanh qua cổng trường vào giờ tan học, phụ huynh đề nghị làm "
        "gờ giảm tốc và biển báo.",
        "Cổng trường tiểu học",
        None,  # still in hand
        None,
    ),
]

RATINGS = [(5, 4, 5, "Tra cứu văn bản nhanh, dễ dùng trên điện thoại."), (4, 4, 4, "")]


def create_demo_citizens(unit):
    """Questions, feedback and ratings of ``unit`` (see module docstring)."""
    if Question.objects.filter(unit=unit).exists():
        return
    officer = f"Văn phòng Ủy ban nhân dân {unit.name_with_type}"[:150]
    for category, title, body, answer in QUESTIONS:
        question = ask_question(
            unit=unit,
            category=category,
            title=title,
            body=body,
            name="Nguyễn Văn Phúc",
            phone="0918123456",
        )
        if answer:
            answer_question(question, answer=answer, actor=officer)
    for category, kind, title, body, location, answer, rating in FEEDBACK:
        feedback = file_feedback(
            unit=unit,
            category=category,
            kind=kind,
            title=title,
            body=body,
            location=location,
            name="Trần Thị Lan",
            phone="0939456789",
        )
        if answer:
            feedback.answer_now(answer, actor=officer)
            if rating:
                Feedback.objects.filter(pk=feedback.pk).update(rating=rating)
    for interface, content, usefulness, comment in RATINGS:
        SiteRating.objects.create(
            unit=unit,
            interface=interface,
            content=content,
            usefulness=usefulness,
            comment=comment,
        )
