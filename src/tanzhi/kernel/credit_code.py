"""The unified social credit code (统一社会信用代码) of GB 32100-2015, with its check digit.

An 18-character code: 1 registration authority (登记管理部门代码), 1 institution category
(机构类别代码), 6 digits of the registering administrative division (GB/T 2260), 9 characters of
the organisation code (主体标识码, GB 11714, itself ending in its own check character) and one
check character.  Characters come from the 31-character set of GB 32100-2015 Table 1
(``0-9`` and the capitals without I, O, S, V, Z), worth 0-30 in that order.

The check character (GB 32100-2015 §5 and Annex): with weights W_i = 3^(i-1) mod 31 for positions
i = 1..17 (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28),
C18 = 31 − (Σ C_i × W_i mod 31), and a result of 31 is written as ``0``.

The embedded organisation-code check of GB 11714 is not enforced: codes issued to individual
businesses (个体工商户, ``92…``) since 2016 do not all carry one, and the national check only
concerns character 18.
"""

from __future__ import annotations

from tanzhi.kernel.errors import DataError

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18
_VALUE = {ch: i for i, ch in enumerate(CREDIT_CODE_CHARSET)}


def credit_code_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a code.

    >>> credit_code_check_char("91440300708461136")
    'T'
    """
    if len(first17) != CREDIT_CODE_LENGTH - 1 or any(ch not in _VALUE for ch in first17):
        raise ValueError(f"need 17 characters from {CREDIT_CODE_CHARSET!r}, got {first17!r}")
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> tuple[str, str] | None:
    """Why `code` is not a valid credit code, as (zh, en), or None when it is valid.

    Upper case is required (the standard's character set has no lower case); surrounding
    whitespace is not stripped here — callers strip what they read.
    """
    if len(code) != CREDIT_CODE_LENGTH:
        return (f"统一社会信用代码应为 18 位，“{code}”为 {len(code)} 位",
                f"a unified social credit code has 18 characters; '{code}' has {len(code)}")
    bad = [ch for ch in code if ch not in _VALUE]
    if bad:
        return (f"统一社会信用代码“{code}”含有 GB 32100-2015 字符集以外的字符“{bad[0]}”"
                "（不用 I、O、S、V、Z 及小写字母）",
                f"credit code '{code}' has '{bad[0]}', outside the GB 32100-2015 character set "
                "(no I, O, S, V, Z or lower case)")
    if not code[2:8].isdigit():
        return (f"统一社会信用代码“{code}”第 3-8 位应为行政区划代码（6 位数字）",
                f"credit code '{code}': characters 3-8 must be the 6-digit division code")
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return (f"统一社会信用代码“{code}”校验位错误：应为“{expected}”，实为“{code[17]}”",
                f"credit code '{code}' fails the GB 32100-2015 check: the 18th character "
                f"should be '{expected}', not '{code[17]}'")
    return None


def is_valid_credit_code(code: str) -> bool:
    """True when `code` is an 18-character GB 32100-2015 code whose check character matches.

    >>> is_valid_credit_code("91440300708461136T"), is_valid_credit_code("91440300708461136A")
    (True, False)
    """
    return credit_code_problem(code) is None


def validate_credit_code(code: str, *, file: str | None = None, row: int | None = None,
                         column: str | None = "credit_code") -> str:
    """Return `code` if valid, else raise a located bilingual `DataError`."""
    problem = credit_code_problem(code)
    if problem is not None:
        raise DataError.at(*problem, file=file, row=row, column=column)
    return code
