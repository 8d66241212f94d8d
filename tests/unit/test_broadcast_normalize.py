"""Text to speech reads numbers, dates, times and abbreviations as
Vietnamese words (broadcast.speech.normalize)."""

from broadcast.speech.normalize import normalize, number_to_words


def test_numbers_dates_times_and_abbreviations_are_read_as_vietnamese_words():
    assert number_to_words(2025) == "hai nghìn không trăm hai mươi lăm"
    assert number_to_words(105) == "một trăm lẻ năm"
    assert number_to_words(21) == "hai mươi mốt"
    assert number_to_words(1_200_000) == "một triệu hai trăm nghìn"
    text = normalize("UBND xã họp lúc 7h30 ngày 15/4/2025, diện tích 3,5 ha.")
    assert text == (
        "ủy ban nhân dân xã họp lúc bảy giờ ba mươi phút ngày mười lăm tháng tư "
        "năm hai nghìn không trăm hai mươi lăm, diện tích ba phẩy năm héc ta."
    )
    assert "không chín một hai" in normalize("Gọi 0912 345 678")
