"""Personal data: masking for listings, and the resident ID check (GB 11643-1999)."""

from __future__ import annotations

import datetime as dt
import re

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
ID_TYPES = {
    "resident": "居民身份证",
    "passport": "护照",
    "hk_macau": "港澳居民来往内地通行证",
    "taiwan": "台湾居民来往大陆通行证",
    "foreign": "外国人永久居留身份证",
    "other": "其他证件",
}


def mask_phone(phone: str) -> str:
    """13812345678 -> 138****5678; a landline keeps its area code and last four digits."""
    digits = re.sub(r"\s", "", phone or "")
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) == 11 and digits.isdigit():
        return digits[:3] + "****" + digits[-4:]
    keep = digits.find("-") + 1 if "-" in digits else 3
    return digits[:keep] + "*" * (len(digits) - keep - 4) + digits[-4:]


def mask_name(name: str) -> str:
    """张三 -> 张*; a unit name (or an address) keeps its first four characters."""
    text = name or ""
    if len(text) <= 1:
        return text
    keep = 4 if len(text) > 6 else 1
    return text[:keep] + "*" * min(len(text) - keep, 2)


def mask_id(number: str) -> str:
    """110105199001010022 -> 110105********0022 (region kept, birth date and order hidden)."""
    text = (number or "").strip()
    if len(text) <= 8:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


# A phone or ID number standing on its own in free text (not inside a longer run of letters and digits)
NUMBERS = re.compile(
    r"(?<![0-9A-Za-z])(?:(?P<id>\d{17}[\dXx]|\d{15})|(?P<phone>1[3-9]\d{9}|0\d{2,3}-\d{7,8}))"
    r"(?![0-9A-Za-z])"
)


def mask_numbers(text: str) -> str:
    """Phone and ID numbers inside free text (a note, a reason, a query) masked as listings mask them."""
    return NUMBERS.sub(lambda m: mask_id(m["id"]) if m["id"] else mask_phone(m["phone"]), text)


def resident_id_problem(number: str) -> str:
    """Why a resident ID number is wrong, or '' when it is right (length, birth date, check digit)."""
    text = number.strip().upper()
    if len(text) != 18:
        return f"居民身份证号码应为 18 位，实为 {len(text)} 位"
    if not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        return "居民身份证号码前 17 位应为数字，最后一位为数字或 X"
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return f"居民身份证号码中的出生日期 {text[6:14]} 不是真实日期"
    if born.year < 1900:
        return f"居民身份证号码中的出生日期 {text[6:14]} 不合理"
    expected = CHECK_CHARS[sum(int(c) * w for c, w in zip(text[:17], WEIGHTS)) % 11]
    if text[17] != expected:
        return "居民身份证号码校验位不符（请核对是否录错）"
    return ""
