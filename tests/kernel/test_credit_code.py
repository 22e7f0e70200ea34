"""GB 32100-2015 credit code: the check character against public codes and corruptions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanzhi.kernel import (
    CREDIT_CODE_CHARSET,
    DataError,
    credit_code_check_char,
    is_valid_credit_code,
    validate_credit_code,
)

# Codes printed on the business licences / annual reports of well-known companies.
PUBLIC = {
    "91440300708461136T": "深圳市腾讯计算机系统有限公司",
    "914403001922038216": "华为技术有限公司",
    "91520000214434146R": "贵州茅台酒股份有限公司 (600519)",
}


@pytest.mark.parametrize("code", sorted(PUBLIC))
def test_public_codes_are_valid(code: str) -> None:
    assert is_valid_credit_code(code)
    assert validate_credit_code(code) == code


def test_check_character_by_hand() -> None:
    # 91440300708461136: values 9,1,4,4,0,3,0,0,7,0,8,4,6,1,1,3,6
    # × weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28
    # = 9+3+36+108+0+78+0+0+140+0+200+52+48+24+10+90+168
    # = 966; 966 mod 31 = 5; 31 − 5 = 26 → the 27th character of the set, "T".
    assert credit_code_check_char("91440300708461136") == "T"
    assert CREDIT_CODE_CHARSET[26] == "T"


def test_remainder_zero_gives_zero() -> None:
    # All zeros: the sum is 0, 31 − 0 = 31, written as "0".
    assert credit_code_check_char("0" * 17) == "0"


@pytest.mark.parametrize("code", sorted(PUBLIC))
def test_every_single_character_change_is_caught(code: str) -> None:
    # The weights are all non-zero mod the prime 31, so any one substitution changes the sum.
    for i in range(18):
        for ch in CREDIT_CODE_CHARSET:
            if ch != code[i]:
                bad = code[:i] + ch + code[i + 1:]
                if i in range(2, 8) and not ch.isdigit():
                    assert not is_valid_credit_code(bad)
                    continue
                assert not is_valid_credit_code(bad), bad


def test_adjacent_transposition_is_caught() -> None:
    code = "91520000214434146R"
    swapped = code[:9] + code[10] + code[9] + code[11:]  # "21" → "12"
    assert not is_valid_credit_code(swapped)


@pytest.mark.parametrize(("code", "fragment"), [
    ("91440300708461136", "18"),                    # too short
    ("91440300708461136TT", "18"),                  # too long
    ("91440300708461136t", "character set"),        # lower case
    ("9144030070846I136T", "character set"),        # I is not in the set
    ("91A40300708461136T", "division"),             # letters in the division code
    ("91440300708461136A", "should be 'T'"),        # wrong check character
])
def test_invalid_codes_are_located_and_bilingual(code: str, fragment: str) -> None:
    with pytest.raises(DataError) as err:
        validate_credit_code(code, file="in.csv", row=4)
    problem = err.value.problems[0]
    assert fragment in problem.message_en
    assert "统一社会信用代码" in problem.message_zh
    assert (problem.location.file, problem.location.row, problem.location.column) == (
        "in.csv", 4, "credit_code")


@given(st.text(alphabet=CREDIT_CODE_CHARSET, min_size=2, max_size=2),
       st.text(alphabet="0123456789", min_size=6, max_size=6),
       st.text(alphabet=CREDIT_CODE_CHARSET, min_size=9, max_size=9))
def test_appending_the_check_character_always_validates(a: str, div: str, org: str) -> None:
    body = a + div + org
    assert is_valid_credit_code(body + credit_code_check_char(body))
