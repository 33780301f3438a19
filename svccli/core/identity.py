"""Who the applicant is: a company's unified social credit code (GB 32100-2015) and a person's ID type.

A company or other organisation is identified by its 统一社会信用代码, 18 characters whose last one is
a check character; a person by an ID document of a type (居民身份证 and others; the resident ID's own
check is privacy.resident_id_problem, GB 11643-1999). Pure functions: the CLI turns a problem into
an error naming its option.
"""

from __future__ import annotations

from svccli.core.privacy import ID_TYPES

# GB 32100-2015: 31 characters (no I, O, S, V, Z) and the weights of positions 1-17.
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_check_char(first17: str) -> str:
    """The check character of the first 17 characters of a credit code (they must be valid characters)."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str:
    """Why a unified social credit code is wrong, or '' when it is right (length, characters, check)."""
    text = code.strip().upper()
    if len(text) != 18:
        return f"统一社会信用代码应为 18 位，实为 {len(text)} 位"
    bad = [c for c in text if c not in CREDIT_CHARS]
    if bad:
        return f"统一社会信用代码含有不允许的字符“{bad[0]}”（只能是数字和除 I、O、S、V、Z 以外的大写字母）"
    if text[17] != credit_check_char(text[:17]):
        return "统一社会信用代码校验位不符（请核对是否录错）"
    return ""


def id_type_code(value: str) -> str | None:
    """The ID type's code from its code (`passport`) or its Chinese name (护照); None when unknown."""
    text = value.strip()
    if text.lower() in ID_TYPES:
        return text.lower()
    return next((code for code, name in ID_TYPES.items() if name == text), None)


def id_type_name(code: str) -> str:
    """The Chinese name of an ID type code as documents print it (an unknown code as it is)."""
    return ID_TYPES.get(code, code)
