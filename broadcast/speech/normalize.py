"""Vietnamese text normalisation for speech: numbers, dates, times and
common abbreviations read as words.

Written here because no maintained library does it correctly for
Vietnamese: num2words' ``vi`` reads 2025 as "hai nghìn lẻ hai mươi lăm" and
3,5 as "ba phẩy năm mươi"; the vinorm package depends on a native binary
and is unmaintained. The rules follow how officials read announcements:
"ngày 15/3/2025" -> "ngày mười lăm tháng ba năm hai nghìn không trăm hai
mươi lăm", "7h30" -> "bảy giờ ba mươi phút".
"""

import re

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
SCALES = ["", "nghìn", "triệu", "tỷ"]

ABBREVIATIONS = {
    "UBND": "ủy ban nhân dân",
    "HĐND": "hội đồng nhân dân",
    "MTTQ": "mặt trận tổ quốc",
    "TTCS": "thông tin cơ sở",
    "CSGT": "cảnh sát giao thông",
    "PCCC": "phòng cháy chữa cháy",
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "THPT": "trung học phổ thông",
    "THCS": "trung học cơ sở",
    "TP.": "thành phố",
    "TP": "thành phố",
    "TX.": "thị xã",
    "TT.": "thị trấn",
    "Tp.": "thành phố",
    "P.": "phường",
    "Q.": "quận",
    "ĐT": "điện thoại",
    "SĐT": "số điện thoại",
    "CCCD": "căn cước công dân",
    "VNĐ": "việt nam đồng",
    "đ": "đồng",
    "km": "ki lô mét",
    "kg": "ki lô gam",
    "ha": "héc ta",
    "m2": "mét vuông",
    "m3": "mét khối",
    "mm": "mi li mét",
    "°C": "độ xê",
    "%": " phần trăm",
    "TW": "trung ương",
    "KP": "khu phố",
    "TDP": "tổ dân phố",
}


def _three(n, full):
    """Read 0..999; ``full`` when a higher group precedes (5 -> không trăm lẻ năm)."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if hundreds or full:
                words.append("lẻ")
            words.append(DIGITS[units])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 4 and tens > 1:
        words.append("tư")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def number_to_words(n):
    """Read a non-negative integer in Vietnamese."""
    n = int(n)
    if n == 0:
        return "không"
    if n < 0:
        return "âm " + number_to_words(-n)
    groups = []
    while n:
        n, group = divmod(n, 1000)
        groups.append(group)
    if len(groups) > len(SCALES):
        # Beyond tỷ: read the tỷ part recursively ("nghìn tỷ").
        high = int("".join(f"{g:03d}" for g in reversed(groups[3:])))
        low = groups[:3]
        tail = number_to_words(int("".join(f"{g:03d}" for g in reversed(low))))
        return f"{number_to_words(high)} tỷ" + ("" if tail == "không" else f" {tail}")
    words = []
    top = len(groups) - 1
    for index in range(top, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _three(group, full=index < top)
        if SCALES[index]:
            words.append(SCALES[index])
    return " ".join(words)


def digits_to_words(text):
    return " ".join(DIGITS[int(d)] for d in text)


def _decimal(match):
    whole, frac = match.group(1).replace(".", ""), match.group(2)
    frac_words = (
        digits_to_words(frac) if frac.startswith("0") else number_to_words(int(frac))
    )
    return f"{number_to_words(int(whole))} phẩy {frac_words}"


def _date(match):
    day, month, year = match.group(1), match.group(2), match.group(3)
    out = f"{number_to_words(int(day))} tháng {_month(int(month))}"
    if year:
        out += f" năm {number_to_words(int(year))}"
    return out


def _month(m):
    return "tư" if m == 4 else number_to_words(m)


def _time(match):
    hour, minute = int(match.group(1)), match.group(2)
    out = f"{number_to_words(hour)} giờ"
    if minute and int(minute):
        out += f" {number_to_words(int(minute))} phút"
    return out


def _phone(match):
    return digits_to_words(re.sub(r"\D", "", match.group(0)))


def _integer(match):
    return number_to_words(int(match.group(0).replace(".", "")))


def normalize(text):
    """Text as it should be read aloud."""
    text = text.replace("\u00a0", " ")
    # Phone numbers are read digit by digit (before integers eat them).
    text = re.sub(r"(?<!\d)0\d{2,3}[ .]?\d{3}[ .]?\d{3,4}(?!\d)", _phone, text)
    # Dates: 15/3/2025, 15-03-2025, 15/3.
    text = re.sub(
        r"\b(\d{1,2})[/-](\d{1,2})(?:[/-](\d{4}))?\b",
        lambda m: (
            _date(m)
            if 1 <= int(m.group(1)) <= 31 and 1 <= int(m.group(2)) <= 12
            else m.group(0)
        ),
        text,
    )
    # Times: 7h30, 07:30, 7 giờ 30.
    text = re.sub(r"\b(\d{1,2})\s*(?:h|g|:)\s*(\d{2})?\b(?!\s*phút)", _time, text)
    # "tháng 4" is "tháng tư".
    text = re.sub(r"\b([Tt]háng)\s+0?4\b", r"\1 tư", text)
    # Decimal comma (3,5 ha) and thousands dots (1.200.000 đồng).
    text = re.sub(r"\b(\d{1,3}(?:\.\d{3})*|\d+),(\d+)\b", _decimal, text)
    text = re.sub(r"\b\d{1,3}(?:\.\d{3})+\b", _integer, text)
    text = re.sub(r"\b\d+\b", _integer, text)
    # Abbreviations, longest first, as whole tokens.
    for short in sorted(ABBREVIATIONS, key=len, reverse=True):
        left = r"(?<!\w)" if short[0].isalnum() else ""
        right = r"(?!\w)" if short[-1].isalnum() else ""
        text = re.sub(left + re.escape(short) + right, ABBREVIATIONS[short], text)
    text = re.sub(r"\s+", " ", text)
    return text.strip()
