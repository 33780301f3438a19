"""The applicant's identity (core/identity.py): the unified social credit code's check character
(GB 32100-2015) and the ID type by code or Chinese name."""

from __future__ import annotations

import pytest

from svccli.core.identity import CREDIT_CHARS, credit_check_char, credit_code_problem, id_type_code, id_type_name
from svccli.core.wording import reconsideration_body, result_text


def _check(first17: str) -> str:
    """The check character computed here from the standard's weights, independently of the module."""
    weights = [pow(3, i, 31) for i in range(17)]  # GB 32100: W_i = 3^(i-1) mod 31
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, weights))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def test_weights_are_the_standards():
    assert [pow(3, i, 31) for i in range(17)] == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


@pytest.mark.parametrize(
    "first17",
    [
        "91330100799655058",  # a company registered in 杭州 (check B: a letter)
        "91440300708461136",  # a company registered in 深圳 (check T: a letter)
        "12330483002562581",  # a public institution (机构编制, 1) in 桐乡
        "51330483MJ9876543",  # a social organisation (民政, 5)
        "92330483MA2B3C4D5",  # an individual business (工商, 92)
    ],
)
def test_credit_code_with_its_check_character_is_right(first17):
    code = first17 + _check(first17)
    assert credit_check_char(first17) == code[-1]
    assert credit_code_problem(code) == ""
    assert credit_code_problem(code.lower()) == ""  # typed in lower case: the same code


def test_a_letter_check_character():
    assert credit_check_char("91330100799655058") == "B"
    assert credit_code_problem("91330100799655058B") == ""
    assert credit_check_char("91440300708461136") == "T"


def test_check_zero_when_the_sum_is_a_multiple_of_31():
    # find a code whose weighted sum is divisible by 31: 31 - 0 -> 31 -> check "0"
    base = "9133048300000000"
    for last in CREDIT_CHARS:
        if _check(base + last) == "0":
            assert credit_check_char(base + last) == "0"
            assert credit_code_problem(base + last + "0") == ""
            return
    pytest.fail("no code with check 0 found")


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("91330100799655058C", "校验位不符"),
        ("91330100799655058", "应为 18 位，实为 17 位"),
        ("913301007996550580B", "应为 18 位，实为 19 位"),
        ("9133010079965505IB", "不允许的字符“I”"),
        ("91330100799655O58B", "不允许的字符“O”"),
        ("91330100-99655058B", "不允许的字符“-”"),
    ],
)
def test_wrong_credit_codes_say_what_is_wrong(code, said):
    assert said in credit_code_problem(code)


def test_every_single_character_change_is_caught():
    code = "91330100799655058B"
    for i in range(18):
        for c in CREDIT_CHARS:
            if c != code[i]:
                assert credit_code_problem(code[:i] + c + code[i + 1 :]), (i, c)


def test_id_type_by_code_or_chinese_name():
    assert id_type_code("护照") == "passport"
    assert id_type_code("passport") == "passport"
    assert id_type_code("PASSPORT") == "passport"
    assert id_type_code("港澳居民来往内地通行证") == "hk_macau"
    assert id_type_code("台湾居民来往大陆通行证") == "taiwan"
    assert id_type_code("外国人永久居留身份证") == "foreign"
    assert id_type_code("居民身份证") == "resident"
    assert id_type_code("驾驶证") is None
    assert id_type_name("hk_macau") == "港澳居民来往内地通行证"


def test_result_is_one_phrase_by_item_kind():
    assert result_text("approved", True) == "准予许可"
    assert result_text("approved", False) == "准予办理"
    assert result_text("denied", True) == "不予许可"
    assert result_text("denied", False) == "不予办理"
    assert "/" not in result_text("replied", False)


def test_reconsideration_body_is_the_government_at_the_same_level():
    assert reconsideration_body("桐乡县政务服务中心") == "桐乡县人民政府"
    assert reconsideration_body("嘉兴市南湖区政务服务中心") == "嘉兴市南湖区人民政府"
    assert reconsideration_body("海宁市行政服务中心") == "海宁市人民政府"
    assert reconsideration_body("某某中心") == "本级人民政府"
