"""Build the Khmer catalogue of the public sites' chrome.

Public templates mark their text with ``{% trans %}`` in Vietnamese (the
source language), so Vietnamese needs no catalogue; ``locale/km`` holds the
Khmer of the chrome a reader meets under ``/km/`` (menus, header, footer,
home page, search box, contacts). Run after changing a public template:

    .venv/bin/python manage.py makemessages -l km --ignore='.venv/*' \\
        --ignore='node_modules/*' --ignore='tests/*' --ignore='bench/*'
    .venv/bin/python scripts/build_public_locale.py          # fill + compile
    .venv/bin/python scripts/build_public_locale.py --todo   # untranslated

Translations already in the .po are kept; ``KM`` below fills the empty
ones. The .mo is written with polib (committed), so running the site needs
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
    # The citizen app (pwa/): footer link and the install offer.
    "Theo dõi và cảnh báo": "តាមដាន និងការព្រមាន",
    "Cài ứng dụng lên điện thoại để xem tin và nhận cảnh báo, cả khi mất mạng.": (
        "ដំឡើងកម្មវិធីលើទូរស័ព្ទ ដើម្បីមើលព័ត៌មាន និងទទួលការព្រមាន សូម្បីតែពេលគ្មានអ៊ីនធឺណិត។"
    ),
    "Cài đặt ứng dụng": "ដំឡើងកម្មវិធី",
    "Để sau": "ពេលក្រោយ",
}


def main(argv):
    po = polib.pofile(str(PO))
    po.metadata["Language"] = "km"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    for entry in po:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        if not entry.msgstr and entry.msgid in KM:
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
