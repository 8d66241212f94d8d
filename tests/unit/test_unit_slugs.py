from base.text import vietnamese_slug


def test_slug_keeps_d_and_drops_marks():
    assert vietnamese_slug("Xã Đại Ân  2") == "xa-dai-an-2"
    assert vietnamese_slug("Phường 5") == "phuong-5"
    assert vietnamese_slug("Thị trấn Kế Sách") == "thi-tran-ke-sach"


def test_slug_turns_d_with_stroke_into_d():
    assert vietnamese_slug("đường") == "duong"
    assert vietnamese_slug("Đường làng") == "duong-lang"


def test_slug_of_a_decision_number_keeps_every_letter():
    assert vietnamese_slug("Thông báo số 15/QĐ-UBND") == "thong-bao-so-15qd-ubnd"


def test_slug_is_cut_without_a_trailing_dash_and_falls_back_when_empty():
    assert vietnamese_slug("Đường làng", max_length=6) == "duong"
    assert vietnamese_slug("!!!", fallback="trang") == "trang"
    assert vietnamese_slug(None) == ""
