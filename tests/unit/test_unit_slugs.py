from tenants.services import vietnamese_slug


def test_slug_keeps_d_and_drops_marks():
    assert vietnamese_slug("Xã Đại Ân  2") == "xa-dai-an-2"
    assert vietnamese_slug("Phường 5") == "phuong-5"
    assert vietnamese_slug("Thị trấn Kế Sách") == "thi-tran-ke-sach"
