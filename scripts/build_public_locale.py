# ruff: noqa: E501 - msgids are whole Vietnamese sentences, kept on one line to be found
"""Build the Khmer catalogue of the public sites' chrome.

Public templates mark their text with ``{% trans %}`` in Vietnamese (the
source language), so Vietnamese needs no catalogue; ``locale/km`` holds the
Khmer of the chrome a reader meets under ``/km/`` (menus, header, footer,
home page, search box, contacts). Run after changing a public template:

    .venv/bin/python manage.py makemessages -l km --ignore='.venv/*' \\
        --ignore='node_modules/*' --ignore='tests/*' --ignore='bench/*'
    .venv/bin/python scripts/build_public_locale.py          # fill + compile
    .venv/bin/python scripts/build_public_locale.py --todo   # untranslated

``KM`` below is the translation (it wins over the .po); entries it does
not name keep what the .po has. The .mo is written with polib (committed), so running the site needs
no gettext.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale/km/LC_MESSAGES/django.po"

KM = {
    "Hệ thống thông tin cơ sở": "ប្រព័ន្ធព័ត៌មានមូលដ្ឋាន",
    "Tin bài": "អត្ថបទព័ត៌មាន",
    "Tin từ cơ sở": "ព័ត៌មានពីមូលដ្ឋាន",
    "Bỏ qua, đến nội dung chính": "រំលងទៅខ្លឹមសារសំខាន់",
    "Tìm kiếm": "ស្វែងរក",
    "Danh mục": "ម៉ឺនុយ",
    "Tìm trên trang": "ស្វែងរកក្នុងគេហទំព័រ",
    "Tìm: có dấu hoặc không dấu": "ស្វែងរក៖ វាយអក្សរមានឬគ្មានសញ្ញា",
    "Tìm": "រក",
    "Ngôn ngữ": "ភាសា",
    "Chuyên mục chính": "ផ្នែកសំខាន់ៗ",
    "Nghe lại": "ស្តាប់ឡើងវិញ",
    "Thông báo khẩn": "សេចក្តីជូនដំណឹងបន្ទាន់",
    "đến": "រហូតដល់",
    "Đường dẫn": "ទីតាំងទំព័រ",
    "Tương tác với chính quyền": "ទំនាក់ទំនងជាមួយអាជ្ញាធរ",
    "Hỏi đáp trực tuyến": "សំណួរ និងចម្លើយតាមអនឡាញ",
    "Phản ánh, kiến nghị": "បណ្តឹង និងសំណូមពរ",
    "Tra cứu câu hỏi, phản ánh": "តាមដានសំណួរ និងបណ្តឹង",
    "Khảo sát": "ការស្ទង់មតិ",
    "Đánh giá trang thông tin": "វាយតម្លៃគេហទំព័រ",
    "Nghe lại chương trình phát thanh": "ស្តាប់កម្មវិធីវិទ្យុឡើងវិញ",
    "Tuyên bố về khả năng tiếp cận": "សេចក្តីថ្លែងការណ៍អំពីលទ្ធភាពប្រើប្រាស់",
    "Bảo vệ dữ liệu cá nhân": "ការការពារទិន្នន័យផ្ទាល់ខ្លួន",
    "Cơ quan chủ quản": "ស្ថាប័នគ្រប់គ្រង",
    "Người chịu trách nhiệm chính": "អ្នកទទួលខុសត្រូវចម្បង",
    "Chủ tịch Ủy ban nhân dân": "ប្រធានគណៈកម្មាធិការប្រជាជន",
    "Địa chỉ": "អាសយដ្ឋាន",
    "Đang cập nhật": "កំពុងធ្វើបច្ចុប្បន្នភាព",
    "Điện thoại": "ទូរស័ព្ទ",
    "Đường dây nóng": "ខ្សែទូរស័ព្ទបន្ទាន់",
    "Thư điện tử": "អ៊ីមែល",
    "Giấy phép": "អាជ្ញាប័ណ្ណ",
    "Chưa có giấy phép (đang hoàn thiện hồ sơ)": ("មិនទាន់មានអាជ្ញាប័ណ្ណ (កំពុងរៀបចំឯកសារ)"),
    "Xem bản đồ": "មើលផែនទី",
    "Giờ làm việc": "ម៉ោងធ្វើការ",
    "Gửi thư liên hệ": "ផ្ញើសារទំនាក់ទំនង",
    "Gửi": "ផ្ញើ",
    "Tin mới": "ព័ត៌មានថ្មីៗ",
    "Chưa có tin bài.": "មិនទាន់មានអត្ថបទ។",
    "Xem tất cả tin từ cơ sở": "មើលព័ត៌មានទាំងអស់ពីមូលដ្ឋាន",
    "Chưa có tin nào từ các đơn vị trực thuộc.": ("មិនទាន់មានព័ត៌មានពីអង្គភាពក្រោមឱវាទ។"),
    "Thông báo": "សេចក្តីជូនដំណឹង",
    "Hiện không có thông báo.": "បច្ចុប្បន្នមិនមានសេចក្តីជូនដំណឹងទេ។",
    "Văn bản mới": "ឯកសារថ្មីៗ",
    "Chưa có văn bản.": "មិនទាន់មានឯកសារ។",
    "Sự kiện sắp tới": "ព្រឹត្តិការណ៍ខាងមុខ",
    "Mục này chưa có nội dung.": "ផ្នែកនេះមិនទាន់មានខ្លឹមសារ។",
    "Lãnh đạo": "ថ្នាក់ដឹកនាំ",
    "Dịch vụ cho người dân": "សេវាសម្រាប់ប្រជាពលរដ្ឋ",
    "Gửi câu hỏi": "ផ្ញើសំណួរ",
    "Hỏi chính quyền, nhận mã theo dõi": "សួរអាជ្ញាធរ ហើយទទួលលេខកូដតាមដាន",
    "Báo một việc cần xử lý, kèm ảnh": "រាយការណ៍បញ្ហាដែលត្រូវដោះស្រាយ ភ្ជាប់រូបថត",
    "Xem tình trạng xử lý bằng mã": "មើលស្ថានភាពដោះស្រាយតាមលេខកូដ",
    "Dịch vụ công trực tuyến": "សេវាសាធារណៈតាមអនឡាញ",
    "Nộp hồ sơ thủ tục hành chính trên Cổng Dịch vụ công quốc gia": (
        "ដាក់ពាក្យនីតិវិធីរដ្ឋបាលលើវិបផតថលសេវាសាធារណៈជាតិ"
    ),
    "Chương trình phát thanh cơ sở": "កម្មវិធីវិទ្យុមូលដ្ឋាន",
    "Cổng thông tin điện tử": "វិបផតថលព័ត៌មានអេឡិចត្រូនិក",
    "Trang thông tin điện tử": "គេហទំព័រព័ត៌មានអេឡិចត្រូនិក",
    "Đơn vị hành chính trực thuộc tỉnh": "អង្គភាពរដ្ឋបាលក្រោមខេត្ត",
    "Đơn vị hành chính trực thuộc": "អង្គភាពរដ្ឋបាលក្រោមឱវាទ",
    "%(n)s đơn vị": "%(n)s អង្គភាព",
    "Gửi phản ánh, kiến nghị": "ផ្ញើបណ្តឹង និងសំណូមពរ",
    # Citizens' forms (engage/forms.py, templates/engage) and search.
    "Vui lòng nhập mục này.": "សូមបំពេញចំណុចនេះ។",
    "Không gửi được. Nếu bạn là người dùng, hãy để trống ô “Trang web”.": (
        "មិនអាចផ្ញើបានទេ។ បើអ្នកជាអ្នកប្រើប្រាស់ សូមទុកប្រអប់ “គេហទំព័រ” ឱ្យនៅទទេ។"
    ),
    "Số điện thoại chưa đúng: nhập 10 chữ số bắt đầu bằng 0 (ví dụ 0912345678).": (
        "លេខទូរស័ព្ទមិនត្រឹមត្រូវ៖ សូមបញ្ចូលលេខ ១០ ខ្ទង់ ចាប់ផ្តើមដោយ 0 (ឧទាហរណ៍ 0912345678)។"
    ),
    "Địa chỉ thư điện tử không hợp lệ.": "អាសយដ្ឋានអ៊ីមែលមិនត្រឹមត្រូវ។",
    "Tối đa %(n)s ký tự, hãy rút gọn.": "អតិបរមា %(n)s តួអក្សរ សូមសរសេរឱ្យខ្លីជាងនេះ។",
    "Chỉ gửi được tối đa %(n)s ảnh.": "អាចផ្ញើរូបថតបានច្រើនបំផុត %(n)s សន្លឹក។",
    "Vui lòng trả lời câu hỏi này.": "សូមឆ្លើយសំណួរនេះ។",
    "Lựa chọn không hợp lệ.": "ជម្រើសមិនត្រឹមត្រូវ។",
    "Đơn vị này": "អង្គភាពនេះ",
    "Văn bản": "ឯកសារផ្លូវការ",
    "Sự kiện": "ព្រឹត្តិការណ៍",
    "Toàn huyện": "ទូទាំងស្រុក",
    "Toàn tỉnh": "ទូទាំងខេត្ត",
    "Trang": "ទំព័រ",
    "Tài liệu": "ឯកសារ",
    "Hỏi đáp": "សំណួរ-ចម្លើយ",
    "Thông tin thiết yếu": "ព័ត៌មានចាំបាច់",
    "Họ tên, điện thoại và thư điện tử không bắt buộc. Sau khi gửi, bạn nhận được mã theo dõi để xem câu trả lời.": (
        "ឈ្មោះ ទូរស័ព្ទ និងអ៊ីមែល មិនចាំបាច់ទេ។ ក្រោយពេលផ្ញើ អ្នកនឹងទទួលបានលេខកូដតាមដាន ដើម្បីមើលចម្លើយ។"
    ),
    "Câu hỏi tương tự đã được trả lời": "សំណួរស្រដៀងគ្នាដែលបានឆ្លើយរួច",
    "Phản ánh, kiến nghị về việc thực hiện chính sách, thủ tục ở địa phương. Ảnh gửi kèm được xóa thông tin vị trí trước khi lưu.": (
        "បណ្តឹង និងសំណូមពរអំពីការអនុវត្តគោលនយោបាយ និងនីតិវិធីនៅមូលដ្ឋាន។ "
        "ព័ត៌មានទីតាំងក្នុងរូបថតភ្ជាប់ត្រូវបានលុបចោលមុនពេលរក្សាទុក។"
    ),
    "Ảnh đã chọn được giữ lại": "រូបថតដែលបានជ្រើសរើសត្រូវបានរក្សាទុក",
    "Ảnh bạn chọn lần trước đã được giữ lại, không cần chọn lại. Bỏ dấu chọn nếu không muốn gửi ảnh đó.": (
        "រូបថតដែលអ្នកបានជ្រើសរើសលើកមុនត្រូវបានរក្សាទុក មិនចាំបាច់ជ្រើសរើសម្តងទៀតទេ។ "
        "ដោះសញ្ញាធីកចេញ បើមិនចង់ផ្ញើរូបថតនោះ។"
    ),
    "Ảnh": "រូបថត",
    "Gửi phản ánh": "ផ្ញើបណ្តឹង",
    "Chưa có kết quả nào được công bố.": "មិនទាន់មានលទ្ធផលណាមួយត្រូវបានប្រកាសទេ។",
    "Chưa gửi được: vui lòng sửa các mục dưới đây.": "មិនទាន់ផ្ញើបានទេ៖ សូមកែចំណុចខាងក្រោម។",
    "Chưa gửi được: vui lòng sửa các mục được đánh dấu bên dưới.": (
        "មិនទាន់ផ្ញើបានទេ៖ សូមកែចំណុចដែលបានសម្គាល់ខាងក្រោម។"
    ),
    "Bạn đã tra cứu quá nhiều mã trong thời gian ngắn. Vui lòng chờ một phút rồi thử lại.": (
        "អ្នកបានស្វែងរកលេខកូដច្រើនពេកក្នុងរយៈពេលខ្លី។ សូមរង់ចាំមួយនាទី ហើយព្យាយាមម្តងទៀត។"
    ),
    "Bạn đã gửi quá nhiều lần trong thời gian ngắn. Nội dung bạn nhập vẫn được giữ nguyên, vui lòng chờ vài phút rồi thử lại.": (
        "អ្នកបានផ្ញើច្រើនដងពេកក្នុងរយៈពេលខ្លី។ ខ្លឹមសារដែលអ្នកបានបញ្ចូលនៅដដែល "
        "សូមរង់ចាំពីរបីនាទី ហើយព្យាយាមម្តងទៀត។"
    ),
    "Họ tên, điện thoại và thư điện tử chỉ dùng để cơ quan liên hệ, trả lời bạn; không công khai trên trang (Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân).": (
        "ឈ្មោះ ទូរស័ព្ទ និងអ៊ីមែល ប្រើតែសម្រាប់ឱ្យស្ថាប័នទាក់ទង និងឆ្លើយតបអ្នកប៉ុណ្ណោះ "
        "មិនបង្ហាញជាសាធារណៈលើគេហទំព័រទេ (អនុក្រឹត្យ 13/2023/NĐ-CP ស្តីពីការការពារទិន្នន័យផ្ទាល់ខ្លួន)។"
    ),
    "Xem thông báo về xử lý dữ liệu cá nhân": "មើលសេចក្តីជូនដំណឹងអំពីការដំណើរការទិន្នន័យផ្ទាល់ខ្លួន",
    "Xem câu hỏi đã được trả lời": "មើលសំណួរដែលបានឆ្លើយរួច",
    "Tìm trong các câu hỏi đã có câu trả lời chính thức.": "ស្វែងរកក្នុងសំណួរដែលមានចម្លើយផ្លូវការរួច។",
    "Đặt câu hỏi cho chính quyền; bạn nhận mã để theo dõi câu trả lời.": (
        "សួរអាជ្ញាធរ អ្នកនឹងទទួលលេខកូដដើម្បីតាមដានចម្លើយ។"
    ),
    "Theo dõi bằng mã": "តាមដានតាមលេខកូដ",
    "Tra cứu": "ស្វែងរក",
    "Tra cứu bằng mã theo dõi": "ស្វែងរកតាមលេខកូដតាមដាន",
    "Tìm trong các câu đã trả lời": "ស្វែងរកក្នុងសំណួរដែលបានឆ្លើយ",
    "trả lời ngày": "ឆ្លើយនៅថ្ងៃ",
    "Chưa có câu hỏi nào được trả lời phù hợp.": "មិនទាន់មានសំណួរដែលបានឆ្លើយត្រូវនឹងការស្វែងរកទេ។",
    "Chưa có câu hỏi nào được trả lời.": "មិនទាន់មានសំណួរណាមួយត្រូវបានឆ្លើយទេ។",
    "Kết quả xử lý phản ánh, kiến nghị": "លទ្ធផលដោះស្រាយបណ្តឹង និងសំណូមពរ",
    "Khảo sát ý kiến": "ការស្ទង់មតិ",
    "Đánh giá trang thông tin điện tử": "វាយតម្លៃគេហទំព័រព័ត៌មានអេឡិចត្រូនិក",
    "Chấm điểm từ 1 (kém) đến 5 (rất tốt).": "ដាក់ពិន្ទុពី 1 (ខ្សោយ) ដល់ 5 (ល្អណាស់)។",
    "Đánh giá trang này": "វាយតម្លៃគេហទំព័រនេះ",
    "Gửi đánh giá": "ផ្ញើការវាយតម្លៃ",
    "Đã gửi thành công": "បានផ្ញើដោយជោគជ័យ",
    "Câu hỏi “%(title)s” đã được tiếp nhận.": "សំណួរ “%(title)s” ត្រូវបានទទួល។",
    "Phản ánh, kiến nghị “%(title)s” đã được tiếp nhận.": "បណ្តឹង សំណូមពរ “%(title)s” ត្រូវបានទទួល។",
    "Mã theo dõi của bạn:": "លេខកូដតាមដានរបស់អ្នក៖",
    "Hãy ghi lại mã này. Xem tình trạng xử lý tại": "សូមកត់ត្រាលេខកូដនេះ។ មើលស្ថានភាពដោះស្រាយនៅ",
    "hoặc trang": "ឬទំព័រ",
    "Khi có kết quả xử lý, chỉ bạn đánh giá được qua đường dẫn riêng này (hãy lưu lại, đừng chia sẻ):": (
        "ពេលមានលទ្ធផលដោះស្រាយ មានតែអ្នកទេដែលអាចវាយតម្លៃតាមតំណផ្ទាល់ខ្លួននេះ (សូមរក្សាទុក កុំចែករំលែក)៖"
    ),
    "Thời gian:": "រយៈពេល៖",
    "Khảo sát không trong thời gian nhận ý kiến.": "ការស្ទង់មតិនេះមិនស្ថិតក្នុងរយៈពេលទទួលមតិទេ។",
    "Bạn đã trả lời khảo sát này. Mỗi người chỉ trả lời một lần.": (
        "អ្នកបានឆ្លើយការស្ទង់មតិនេះរួចហើយ។ ម្នាក់ឆ្លើយបានតែម្តង។"
    ),
    "Gửi ý kiến": "ផ្ញើមតិ",
    "Xem kết quả": "មើលលទ្ធផល",
    "đang mở": "កំពុងបើក",
    "đã đóng": "បានបិទ",
    "Kết quả": "លទ្ធផល",
    "Chưa có khảo sát nào.": "មិនទាន់មានការស្ទង់មតិណាមួយទេ។",
    "Mã theo dõi": "លេខកូដតាមដាន",
    "Bỏ lọc": "លុបតម្រង",
    "Phân trang": "ទំព័របន្តបន្ទាប់",
    "Trang trước": "ទំព័រមុន",
    "Trang sau": "ទំព័របន្ទាប់",
    "Từ khóa": "ពាក្យគន្លឹះ",
    "(có thể gõ không dấu)": "(អាចវាយអក្សរវៀតណាមគ្មានសញ្ញាបាន)",
    "Phạm vi": "វិសាលភាព",
    "Khoảng %(estimated)s kết quả cho “%(q)s”; đang xếp theo mức phù hợp %(total)s kết quả ưu tiên (khớp tiêu đề, mới nhất). Thêm từ khóa hoặc bộ lọc để thu hẹp.": (
        "ប្រហែល %(estimated)s លទ្ធផលសម្រាប់ “%(q)s”; កំពុងតម្រៀប %(total)s លទ្ធផលអាទិភាព "
        "(ត្រូវនឹងចំណងជើង ថ្មីបំផុត)។ បន្ថែមពាក្យគន្លឹះ ឬតម្រង ដើម្បីបង្រួម។"
    ),
    "Tìm thấy %(total)s kết quả cho “%(q)s”.": "រកឃើញ %(total)s លទ្ធផលសម្រាប់ “%(q)s”។",
    "Không có kết quả. Hãy thử từ khóa khác, bỏ bớt bộ lọc hoặc mở rộng phạm vi tìm kiếm.": (
        "គ្មានលទ្ធផលទេ។ សូមសាកល្បងពាក្យគន្លឹះផ្សេង ដកតម្រងខ្លះចេញ ឬពង្រីកវិសាលភាពស្វែងរក។"
    ),
    "Lọc kết quả": "តម្រងលទ្ធផល",
    "Đơn vị": "អង្គភាព",
    "Loại": "ប្រភេទ",
    "Lĩnh vực": "វិស័យ",
    "Năm": "ឆ្នាំ",
    "Tra cứu văn bản theo số hiệu, loại, cơ quan ban hành": (
        "ស្វែងរកឯកសារតាមលេខ ប្រភេទ និងស្ថាប័នចេញ"
    ),
    "Yêu cầu không hợp lệ": "សំណើមិនត្រឹមត្រូវ",
    "Yêu cầu không hợp lệ. Hãy kiểm tra lại đường dẫn hoặc nội dung đã nhập.": (
        "សំណើមិនត្រឹមត្រូវ។ សូមពិនិត្យតំណ ឬខ្លឹមសារដែលបានបញ្ចូលម្តងទៀត។"
    ),
    "Về trang chủ": "ត្រឡប់ទៅទំព័រដើម",
    "Không tìm thấy trang": "រកមិនឃើញទំព័រ",
    "Trang bạn tìm không tồn tại hoặc đã được gỡ.": "ទំព័រដែលអ្នកស្វែងរកមិនមាន ឬត្រូវបានដកចេញហើយ។",
    "Hệ thống đang gặp sự cố": "ប្រព័ន្ធកំពុងមានបញ្ហា",
    "Xin lỗi, đã có lỗi xảy ra. Vui lòng thử lại sau ít phút.": (
        "សូមអភ័យទោស មានកំហុសកើតឡើង។ សូមព្យាយាមម្តងទៀតក្នុងពេលបន្តិចទៀត។"
    ),
    # The citizens' app (pwa/): its short chrome.
    "Đơn vị bạn theo dõi": "អង្គភាពដែលអ្នកតាមដាន",
    "Bạn chưa theo dõi đơn vị nào.": "អ្នកមិនទាន់តាមដានអង្គភាពណាមួយទេ។",
    "Có thể theo dõi": "អាចតាមដានបាន",
    "Theo dõi": "តាមដាន",
    "Đọc khi mất mạng": "អានពេលគ្មានអ៊ីនធឺណិត",
    "Không có kết nối mạng": "គ្មានការតភ្ជាប់អ៊ីនធឺណិត",
    "Tin tức, thông báo mới nhất": "ព័ត៌មាន និងសេចក្តីជូនដំណឹងថ្មីៗ",
    "Đang tìm các trang đã lưu…": "កំពុងស្វែងរកទំព័រដែលបានរក្សាទុក…",
    "Câu hỏi, phản ánh bạn đã tra cứu": "សំណួរ និងបណ្តឹងដែលអ្នកបានស្វែងរក",
    "Khi có mạng trở lại, hãy tải lại trang.": "ពេលមានអ៊ីនធឺណិតវិញ សូមផ្ទុកទំព័រឡើងវិញ។",
    "Không tìm thấy mã “%(code)s”. Hãy kiểm tra lại mã theo dõi (bắt đầu bằng H hoặc P, 9 ký tự).": (
        "រកមិនឃើញលេខកូដ “%(code)s” ទេ។ សូមពិនិត្យលេខកូដតាមដានម្តងទៀត (ចាប់ផ្តើមដោយ H ឬ P មាន ៩ តួ)។"
    ),
    "Phiếu trả lời đã hết hạn hoặc không hợp lệ. Các câu trả lời của bạn vẫn được giữ nguyên, vui lòng bấm “Gửi ý kiến” lại.": (
        "សន្លឹកឆ្លើយផុតកំណត់ ឬមិនត្រឹមត្រូវ។ ចម្លើយរបស់អ្នកនៅដដែល សូមចុច “ផ្ញើមតិ” ម្តងទៀត។"
    ),
    "Cảm ơn bạn đã đánh giá kết quả xử lý.": "សូមអរគុណដែលបានវាយតម្លៃលទ្ធផលដោះស្រាយ។",
    "Cảm ơn bạn đã tham gia khảo sát.": "សូមអរគុណដែលបានចូលរួមការស្ទង់មតិ។",
    "Cảm ơn bạn đã đánh giá trang thông tin.": "សូមអរគុណដែលបានវាយតម្លៃគេហទំព័រ។",
    # Looked up at run time (engage/forms.py): labels and choices of the
    # citizens' forms, whose Vietnamese comes from the models.
    "Tiêu đề": "ចំណងជើង",
    "Nội dung": "ខ្លឹមសារ",
    "Địa điểm": "ទីកន្លែង",
    "Họ tên": "ឈ្មោះ",
    "Họ tên người hỏi": "ឈ្មោះអ្នកសួរ",
    "Nội dung câu hỏi": "ខ្លឹមសារសំណួរ",
    "Trang web (để trống)": "គេហទំព័រ (ទុកឱ្យនៅទទេ)",
    "Ảnh kèm theo (tối đa 3 ảnh, mỗi ảnh đến 5 MB)": "រូបថតភ្ជាប់ (ច្រើនបំផុត ៣ សន្លឹក ម្នាក់ៗរហូតដល់ 5 MB)",
    "Phản ánh": "បណ្តឹង",
    "Kiến nghị": "សំណូមពរ",
    "Thủ tục hành chính": "នីតិវិធីរដ្ឋបាល",
    "Đất đai, xây dựng": "ដីធ្លី សំណង់",
    "Môi trường, vệ sinh": "បរិស្ថាន អនាម័យ",
    "An ninh, trật tự": "សន្តិសុខ សណ្តាប់ធ្នាប់",
    "Y tế": "សុខាភិបាល",
    "Giáo dục": "អប់រំ",
    "Chính sách xã hội": "គោលនយោបាយសង្គម",
    "Giao thông, điện, nước": "ចរាចរណ៍ អគ្គិសនី ទឹក",
    "Khác": "ផ្សេងៗ",
    "Giao diện": "រូបរាង",
    "Tính hữu ích": "ភាពមានប្រយោជន៍",
    "Góp ý": "មតិយោបល់",
    "Mức hài lòng với kết quả": "កម្រិតពេញចិត្តនឹងលទ្ធផល",
    "Ý kiến thêm": "មតិបន្ថែម",
    "5 sao": "៥ ផ្កាយ",
    "4 sao": "៤ ផ្កាយ",
    "3 sao": "៣ ផ្កាយ",
    "2 sao": "២ ផ្កាយ",
    "1 sao": "១ ផ្កាយ",
    # The citizen app (pwa/): footer link and the install offer.
    "Theo dõi và cảnh báo": "តាមដាន និងការព្រមាន",
    "Cài ứng dụng lên điện thoại để xem tin và nhận cảnh báo, cả khi mất mạng.": (
        "ដំឡើងកម្មវិធីលើទូរស័ព្ទ ដើម្បីមើលព័ត៌មាន និងទទួលការព្រមាន សូម្បីតែពេលគ្មានអ៊ីនធឺណិត។"
    ),
    "Cài đặt ứng dụng": "ដំឡើងកម្មវិធី",
    "Để sau": "ពេលក្រោយ",
    # Listen-back (templates/broadcast/listen_back.html).
    "Các chương trình đã phát trên hệ thống loa của %(name)s và các đơn vị trực thuộc.": (
        "កម្មវិធីដែលបានផ្សាយតាមប្រព័ន្ធឧបករណ៍បំពងសំឡេងរបស់ %(name)s និងអង្គភាពក្រោមឱវាទ។"
    ),
    "Các chương trình đã phát trên hệ thống loa của %(name)s.": (
        "កម្មវិធីដែលបានផ្សាយតាមប្រព័ន្ធឧបករណ៍បំពងសំឡេងរបស់ %(name)s។"
    ),
    "Tất cả đơn vị": "អង្គភាពទាំងអស់",
    "Lọc": "ច្រោះ",
    "%(n)s giây": "%(n)s វិនាទី",
    "khoảng %(n)s phút": "ប្រហែល %(n)s នាទី",
    "Trình duyệt không phát được âm thanh;": "កម្មវិធីរុករកមិនអាចចាក់សំឡេងបានទេ៖",
    "tải tệp về": "ទាញយកឯកសារ",
    "Trang %(n)s/%(total)s": "ទំព័រ %(n)s/%(total)s",
    "Chưa có chương trình nào để nghe lại của %(name)s.": (
        "មិនទាន់មានកម្មវិធីណាមួយរបស់ %(name)s សម្រាប់ស្តាប់ឡើងវិញទេ។"
    ),
    "Chưa có chương trình nào để nghe lại.": "មិនទាន់មានកម្មវិធីណាមួយសម្រាប់ស្តាប់ឡើងវិញទេ។",
    "Quá nhiều yêu cầu": "សំណើច្រើនពេក",
    "Bạn đã mở trang này quá nhiều lần trong một phút. Xin vui lòng đợi một lát rồi thử lại.": (
        "អ្នកបានបើកទំព័រនេះច្រើនដងពេកក្នុងរយៈពេលមួយនាទី។ សូមរង់ចាំបន្តិច ហើយព្យាយាមម្តងទៀត។"
    ),
    "Tệp âm thanh": "ឯកសារសំឡេង",
    "Chuyển văn bản thành giọng nói": "បំប្លែងអត្ថបទទៅជាសំឡេង",
    "Phát trực tiếp": "ផ្សាយផ្ទាល់",
    "Luồng phát (trực tiếp, tiếp sóng)": "ស្ទ្រីមផ្សាយ (ផ្ទាល់ និងបញ្ជូនបន្ត)",
    # One question, one feedback (templates/engage/*_detail.html).
    "Mã": "លេខកូដ",
    "gửi ngày": "ផ្ញើនៅថ្ងៃ",
    "Tình trạng:": "ស្ថានភាព៖",
    "Đơn vị xử lý:": "អង្គភាពដោះស្រាយ៖",
    "Hạn xử lý:": "កាលកំណត់ដោះស្រាយ៖",
    "Quá hạn": "ហួសកាលកំណត់",
    "Lý do từ chối:": "មូលហេតុនៃការបដិសេធ៖",
    "Kết quả xử lý": "លទ្ធផលដោះស្រាយ",
    "Quá trình xử lý": "ដំណើរការដោះស្រាយ",
    "Tiếp nhận tại": "ទទួលនៅ",
    "Đánh giá của người gửi: %(n)s/5 sao.": "ការវាយតម្លៃរបស់អ្នកផ្ញើ៖ %(n)s/5 ផ្កាយ។",
    "Đánh giá kết quả xử lý": "វាយតម្លៃលទ្ធផលដោះស្រាយ",
    "Người gửi đánh giá kết quả xử lý qua đường dẫn riêng nhận được khi gửi phản ánh (hoặc trong thư báo kết quả).": (
        "អ្នកផ្ញើវាយតម្លៃលទ្ធផលដោះស្រាយតាមរយៈតំណផ្ទាល់ខ្លួន ដែលបានទទួលនៅពេលផ្ញើបណ្តឹង "
        "(ឬក្នុងសារជូនដំណឹងលទ្ធផល)។"
    ),
    "Câu hỏi": "សំណួរ",
    "Trả lời": "ចម្លើយ",
    "Trả lời ngày": "ឆ្លើយនៅថ្ងៃ",
    "Câu hỏi đang chờ cán bộ trả lời. Nội dung sẽ hiển thị công khai khi có trả lời chính thức.": (
        "សំណួរកំពុងរង់ចាំមន្ត្រីឆ្លើយ។ ខ្លឹមសារនឹងត្រូវបង្ហាញជាសាធារណៈ នៅពេលមានចម្លើយផ្លូវការ។"
    ),
    "%(n)s câu hỏi phù hợp với “%(q)s”.": "មានសំណួរ %(n)s ត្រូវនឹង “%(q)s”។",
    "Chờ duyệt, chờ trả lời": "កំពុងរង់ចាំការពិនិត្យ និងចម្លើយ",
    "Đã trả lời": "បានឆ្លើយ",
    "Không đăng": "មិនផ្សព្វផ្សាយ",
    "Đã tiếp nhận": "បានទទួល",
    "Đã thụ lý": "បានទទួលដោះស្រាយ",
    "Đang xử lý": "កំពុងដោះស្រាយ",
    "Đã kết thúc": "បានបញ្ចប់",
    "Từ chối": "បានបដិសេធ",
    # The citizen app's pages and what its script says (data-text-*).
    "Nhận cảnh báo": "ទទួលការព្រមាន",
    "Tắt cảnh báo": "បិទការព្រមាន",
    "Bỏ theo dõi": "ឈប់តាមដាន",
    "Trình duyệt này không hỗ trợ nhận cảnh báo. Hãy dùng Chrome, Edge, Firefox hoặc Safari mới.": (
        "កម្មវិធីរុករកនេះមិនគាំទ្រការទទួលការព្រមានទេ។ សូមប្រើ Chrome, Edge, Firefox ឬ Safari កំណែថ្មី។"
    ),
    "Bạn chưa cho phép trang gửi thông báo. Hãy bật quyền thông báo trong cài đặt trình duyệt rồi bấm lại.": (
        "អ្នកមិនទាន់អនុញ្ញាតឱ្យគេហទំព័រផ្ញើការជូនដំណឹងទេ។ "
        "សូមបើកសិទ្ធិជូនដំណឹងក្នុងការកំណត់កម្មវិធីរុករក ហើយចុចម្តងទៀត។"
    ),
    "Đang bật nhận cảnh báo…": "កំពុងបើកការទទួលការព្រមាន…",
    "Đang tắt cảnh báo…": "កំពុងបិទការព្រមាន…",
    "Máy chủ không nhận yêu cầu, vui lòng thử lại.": "ម៉ាស៊ីនមេមិនទទួលសំណើទេ សូមព្យាយាមម្តងទៀត។",
    "Không thực hiện được, vui lòng thử lại.": "មិនអាចធ្វើបានទេ សូមព្យាយាមម្តងទៀត។",
    "Đã bật nhận cảnh báo của {name}.": "បានបើកការទទួលការព្រមានរបស់ {name}។",
    "Đã tắt cảnh báo của {name}.": "បានបិទការព្រមានរបស់ {name}។",
    "Đã thêm {name} vào danh sách theo dõi.": "បានបន្ថែម {name} ទៅក្នុងបញ្ជីតាមដាន។",
    "Danh sách đơn vị bạn theo dõi được lưu ngay trên điện thoại này, không gửi về máy chủ. Bấm “Nhận cảnh báo” để nhận thông báo khẩn, tin ưu tiên và thông báo quan trọng của đơn vị; bấm lần nữa để tắt.": (
        "បញ្ជីអង្គភាពដែលអ្នកតាមដាន ត្រូវបានរក្សាទុកនៅលើទូរស័ព្ទនេះផ្ទាល់ មិនផ្ញើទៅម៉ាស៊ីនមេទេ។ "
        "ចុច “ទទួលការព្រមាន” ដើម្បីទទួលសេចក្តីជូនដំណឹងបន្ទាន់ ព័ត៌មានអាទិភាព "
        "និងសេចក្តីជូនដំណឹងសំខាន់ៗរបស់អង្គភាព ចុចម្តងទៀតដើម្បីបិទ។"
    ),
    "Ứng dụng giữ lại các tin, thông báo mới nhất và các trang tra cứu câu hỏi, phản ánh bạn đã mở, để đọc được cả khi không có mạng.": (
        "កម្មវិធីរក្សាទុកព័ត៌មាន សេចក្តីជូនដំណឹងថ្មីៗ និងទំព័រតាមដានសំណួរ និងបណ្តឹងដែលអ្នកបានបើក "
        "ដើម្បីអាចអានបាន សូម្បីតែពេលគ្មានអ៊ីនធឺណិត។"
    ),
    "Chưa có tin nào được lưu.": "មិនទាន់មានព័ត៌មានណាមួយត្រូវបានរក្សាទុកទេ។",
    "Điện thoại đang mất mạng và trang bạn mở chưa được lưu trên máy. Các trang dưới đây đã được lưu, bạn vẫn đọc được:": (
        "ទូរស័ព្ទកំពុងគ្មានអ៊ីនធឺណិត ហើយទំព័រដែលអ្នកបើកមិនទាន់ត្រូវបានរក្សាទុកនៅលើឧបករណ៍ទេ។ "
        "ទំព័រខាងក្រោមត្រូវបានរក្សាទុករួចហើយ អ្នកនៅតែអាចអានបាន៖"
    ),
    "Tin tức, thông báo và cảnh báo của %(name)s; xem được cả khi mất mạng.": (
        "ព័ត៌មាន សេចក្តីជូនដំណឹង និងការព្រមានរបស់ %(name)s អាចមើលបាន សូម្បីតែពេលគ្មានអ៊ីនធឺណិត។"
    ),
    "Kết quả của %(name)s và các đơn vị trực thuộc.": "លទ្ធផលរបស់ %(name)s និងអង្គភាពក្រោមឱវាទ។",
    "Tình trạng": "ស្ថានភាព",
    "Ngày trả lời": "ថ្ងៃឆ្លើយ",
    # The accessibility statement (themes/templates/themes/accessibility.html).
    "%(label)s %(name)s cam kết để mọi người dân, kể cả người khuyết tật, người cao tuổi và người dùng điện thoại qua mạng chậm, đều đọc và dùng được trang.": (
        "%(label)s %(name)s ប្តេជ្ញាធ្វើឱ្យប្រជាពលរដ្ឋគ្រប់រូប រួមទាំងជនមានពិការភាព "
        "មនុស្សចាស់ និងអ្នកប្រើទូរស័ព្ទតាមបណ្តាញយឺត អាចអាន និងប្រើប្រាស់គេហទំព័រនេះបាន។"
    ),
    "Mức độ tuân thủ": "កម្រិតនៃការអនុលោម",
    "Trang được xây dựng theo Hướng dẫn về khả năng tiếp cận nội dung web WCAG 2.1 mức AA và Thông tư 26/2020/TT-BTTTT về hỗ trợ người khuyết tật tiếp cận, sử dụng công nghệ thông tin và truyền thông. Mỗi lần thay đổi giao diện, trang được kiểm tra tự động bằng axe-core trên màn hình điện thoại (375 điểm ảnh) và máy tính.": (
        "គេហទំព័រនេះត្រូវបានបង្កើតឡើងតាមគោលការណ៍ណែនាំស្តីពីលទ្ធភាពប្រើប្រាស់ខ្លឹមសារគេហទំព័រ "
        "WCAG 2.1 កម្រិត AA និងសារាចរ 26/2020/TT-BTTTT ស្តីពីការគាំទ្រជនមានពិការភាព "
        "ក្នុងការចូលប្រើ និងប្រើប្រាស់បច្ចេកវិទ្យាព័ត៌មាន និងគមនាគមន៍។ រាល់ពេលផ្លាស់ប្តូររូបរាង "
        "គេហទំព័រត្រូវបានត្រួតពិនិត្យដោយស្វ័យប្រវត្តិដោយ axe-core លើអេក្រង់ទូរស័ព្ទ (375 ភីកសែល) និងកុំព្យូទ័រ។"
    ),
    "Những gì bạn có thể làm": "អ្វីដែលអ្នកអាចធ្វើបាន",
    "Dùng toàn bộ trang bằng bàn phím; nút “Bỏ qua, đến nội dung chính” ở đầu mỗi trang.": (
        "ប្រើគេហទំព័រទាំងមូលដោយក្តារចុច ដោយមានប៊ូតុង “រំលងទៅខ្លឹមសារសំខាន់” នៅខាងលើទំព័រនីមួយៗ។"
    ),
    "Phóng to chữ tới 200%% mà không mất nội dung.": "ពង្រីកអក្សររហូតដល់ 200%% ដោយមិនបាត់បង់ខ្លឹមសារ។",
    "Dùng trình đọc màn hình: ảnh có mô tả, biểu mẫu có nhãn và thông báo lỗi gắn với từng ô.": (
        "ប្រើកម្មវិធីអានអេក្រង់៖ រូបភាពមានការពិពណ៌នា ទម្រង់បែបបទមានស្លាក ហើយសារកំហុសភ្ជាប់ទៅនឹងប្រអប់នីមួយៗ។"
    ),
    "Tìm kiếm bằng tiếng Việt có dấu hoặc không dấu.": "ស្វែងរកជាភាសាវៀតណាម ដោយវាយអក្សរមានឬគ្មានសញ្ញា។",
    "In bài viết và văn bản với bố cục gọn.": "បោះពុម្ពអត្ថបទ និងឯកសារផ្លូវការ ជាមួយប្លង់ស្អាតបាត។",
    "Hạn chế đã biết": "ដែនកំណត់ដែលគេដឹងស្រាប់",
    "Một số tệp văn bản đính kèm (PDF scan) chưa đọc được bằng trình đọc màn hình.": (
        "ឯកសារភ្ជាប់មួយចំនួន (PDF ស្កេន) មិនទាន់អាចអានបានដោយកម្មវិធីអានអេក្រង់ទេ។"
    ),
    "Chương trình phát thanh nghe lại chưa có bản chép lời.": (
        "កម្មវិធីវិទ្យុសម្រាប់ស្តាប់ឡើងវិញ មិនទាន់មានអត្ថបទចម្លងជាលាយលក្ខណ៍អក្សរទេ។"
    ),
    "Phản hồi và liên hệ": "មតិត្រឡប់ និងទំនាក់ទំនង",
    "Nếu bạn gặp khó khăn khi dùng trang, hãy báo cho chúng tôi:": (
        "ប្រសិនបើអ្នកជួបការលំបាកក្នុងការប្រើគេហទំព័រ សូមប្រាប់យើង៖"
    ),
    "Cơ quan chịu trách nhiệm: %(agency)s.": ("ស្ថាប័នទទួលខុសត្រូវ៖ %(agency)s។"),
    # The personal-data notice (themes/templates/themes/privacy.html).
    "Thông báo về xử lý dữ liệu cá nhân": "សេចក្តីជូនដំណឹងអំពីការដំណើរការទិន្នន័យផ្ទាល់ខ្លួន",
    "Thông báo này theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân. Bên kiểm soát và xử lý dữ liệu: %(agency)s.": (
        "សេចក្តីជូនដំណឹងនេះធ្វើឡើងស្របតាមអនុក្រឹត្យ 13/2023/NĐ-CP ស្តីពីការការពារទិន្នន័យផ្ទាល់ខ្លួន។ "
        "ភាគីគ្រប់គ្រង និងដំណើរការទិន្នន័យ៖ %(agency)s។"
    ),
    "Dữ liệu chúng tôi thu thập": "ទិន្នន័យដែលយើងប្រមូល",
    "Khi bạn gửi câu hỏi, phản ánh, thư liên hệ: họ và tên, số điện thoại, thư điện tử, địa chỉ (nếu bạn nhập), nội dung và ảnh bạn gửi kèm.": (
        "ពេលអ្នកផ្ញើសំណួរ បណ្តឹង ឬសារទំនាក់ទំនង៖ ឈ្មោះ លេខទូរស័ព្ទ អ៊ីមែល អាសយដ្ឋាន "
        "(ប្រសិនបើអ្នកបញ្ចូល) ខ្លឹមសារ និងរូបថតដែលអ្នកផ្ញើភ្ជាប់។"
    ),
    "Khi bạn trả lời khảo sát hoặc đánh giá trang: câu trả lời, không kèm thông tin định danh.": (
        "ពេលអ្នកឆ្លើយការស្ទង់មតិ ឬវាយតម្លៃគេហទំព័រ៖ ចម្លើយ ដោយគ្មានព័ត៌មានសម្គាល់អត្តសញ្ញាណ។"
    ),
    "Địa chỉ IP được dùng tạm thời để chống gửi tự động, không lưu lại lâu dài.": (
        "អាសយដ្ឋាន IP ត្រូវបានប្រើជាបណ្តោះអាសន្ន ដើម្បីទប់ស្កាត់ការផ្ញើដោយស្វ័យប្រវត្តិ "
        "ហើយមិនត្រូវបានរក្សាទុករយៈពេលយូរទេ។"
    ),
    "Trang không dùng cookie quảng cáo và không tải nội dung từ máy chủ bên ngoài.": (
        "គេហទំព័រនេះមិនប្រើខូគីពាណិជ្ជកម្ម ហើយមិនផ្ទុកខ្លឹមសារពីម៉ាស៊ីនមេខាងក្រៅទេ។"
    ),
    "Mục đích": "គោលបំណង",
    "Dữ liệu chỉ dùng để cơ quan tiếp nhận, xử lý, trả lời và liên hệ lại với bạn. Họ tên, điện thoại và thư điện tử không được công khai trên trang; khi câu hỏi hoặc phản ánh được công khai, chỉ nội dung và câu trả lời được hiển thị.": (
        "ទិន្នន័យប្រើតែសម្រាប់ឱ្យស្ថាប័នទទួល ដោះស្រាយ ឆ្លើយតប និងទាក់ទងអ្នកវិញប៉ុណ្ណោះ។ "
        "ឈ្មោះ ទូរស័ព្ទ និងអ៊ីមែល មិនត្រូវបានបង្ហាញជាសាធារណៈលើគេហទំព័រទេ។ "
        "ពេលសំណួរ ឬបណ្តឹងត្រូវបានផ្សព្វផ្សាយជាសាធារណៈ មានតែខ្លឹមសារ និងចម្លើយប៉ុណ្ណោះដែលត្រូវបានបង្ហាញ។"
    ),
    "Ai được xem": "អ្នកណាខ្លះអាចមើលបាន",
    "Chỉ cán bộ được phân công của đơn vị tiếp nhận và, khi cần chuyển xử lý, của cơ quan cấp trên.": (
        "មានតែមន្ត្រីដែលត្រូវបានចាត់តាំងរបស់អង្គភាពទទួល និងរបស់ស្ថាប័នថ្នាក់លើ "
        "នៅពេលចាំបាច់ត្រូវបញ្ជូនទៅដោះស្រាយ។"
    ),
    "Thời gian lưu": "រយៈពេលរក្សាទុក",
    "Dữ liệu liên hệ được lưu trong thời gian xử lý và lưu trữ hồ sơ theo quy định về lưu trữ.": (
        "ទិន្នន័យទំនាក់ទំនងត្រូវបានរក្សាទុកក្នុងរយៈពេលដោះស្រាយ "
        "និងរយៈពេលរក្សាទុកឯកសារតាមបទប្បញ្ញត្តិស្តីពីបណ្ណសារ។"
    ),
    "Quyền của bạn": "សិទ្ធិរបស់អ្នក",
    "Bạn có quyền được biết, đồng ý, truy cập, yêu cầu chỉnh sửa, xóa, hạn chế xử lý dữ liệu của mình và rút lại sự đồng ý (Điều 9 Nghị định 13/2023/NĐ-CP). Hãy gửi yêu cầu qua:": (
        "អ្នកមានសិទ្ធិទទួលបានដំណឹង យល់ព្រម ចូលមើល ស្នើសុំកែតម្រូវ លុប "
        "កំណត់ការដំណើរការទិន្នន័យរបស់អ្នក និងដកការយល់ព្រមវិញ "
        "(មាត្រា 9 នៃអនុក្រឹត្យ 13/2023/NĐ-CP)។ សូមផ្ញើសំណើតាមរយៈ៖"
    ),
}
# Not marked in the code (labels and choices from the models, translated at
# run time by engage/forms.py): makemessages does not find them, so the
# build adds them to the catalogue.
RUNTIME = [
    "Bạn đã gửi quá nhiều lần trong thời gian ngắn. Nội dung bạn nhập vẫn được giữ nguyên, vui lòng chờ vài phút rồi thử lại.",
    "Tiêu đề",
    "Nội dung",
    "Địa điểm",
    "Họ tên",
    "Họ tên người hỏi",
    "Nội dung câu hỏi",
    "Trang web (để trống)",
    "Ảnh kèm theo (tối đa 3 ảnh, mỗi ảnh đến 5 MB)",
    "Phản ánh",
    "Kiến nghị",
    "Thủ tục hành chính",
    "Đất đai, xây dựng",
    "Môi trường, vệ sinh",
    "An ninh, trật tự",
    "Y tế",
    "Giáo dục",
    "Chính sách xã hội",
    "Giao thông, điện, nước",
    "Khác",
    "Giao diện",
    "Tính hữu ích",
    "Góp ý",
    "Mức hài lòng với kết quả",
    "Ý kiến thêm",
    "5 sao",
    "4 sao",
    "3 sao",
    "2 sao",
    "1 sao",
    # Choices shown on the public pages ({% trans item.get_status_display %}).
    "Chờ duyệt, chờ trả lời",
    "Đã trả lời",
    "Không đăng",
    "Đã tiếp nhận",
    "Đã thụ lý",
    "Đang xử lý",
    "Đã kết thúc",
    "Từ chối",
    "Tệp âm thanh",
    "Chuyển văn bản thành giọng nói",
    "Phát trực tiếp",
    "Luồng phát (trực tiếp, tiếp sóng)",
]


def main(argv):
    po = polib.pofile(str(PO))
    po.metadata["Language"] = "km"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    known = {entry.msgid for entry in po}
    for msgid in RUNTIME:
        if msgid not in known:
            po.append(polib.POEntry(msgid=msgid, msgstr="", comment="run time"))
    for entry in po:
        if entry.obsolete and entry.msgid in RUNTIME:
            entry.obsolete = False
        if "fuzzy" in entry.flags:
            # makemessages' guess from a similar msgid: never ship it.
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
            entry.previous_msgid = None
        if entry.msgid in KM:
            entry.msgstr = KM[entry.msgid]
    if "--todo" in argv:
        for entry in po.untranslated_entries():
            print(entry.msgid)
        return 0
    po.save(str(PO))
    po.save_as_mofile(str(PO.with_suffix(".mo")))
    print(
        f"{PO}: {len(po.translated_entries())} translated, "
        f"{len(po.untranslated_entries())} left in Vietnamese"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
