"""统一社会信用代码 (GB 32100-2015) validation and generation."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714 check character of the 9-character organisation code inside a USCC."""
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def validate_uscc(value: str) -> None:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位。"), code="uscc_length")
    bad = [c for c in code if c not in USCC_CHARS]
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有非法字符：%(chars)s"), code="uscc_chars", params={"chars": "".join(bad)}
        )
    if not code[2:8].isdigit():
        raise ValidationError(_("统一社会信用代码第3–8位应为行政区划代码。"), code="uscc_region")
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确。"), code="uscc_checksum")


def make_uscc(authority: str, org_type: str, region_code: str, body8: str) -> str:
    """Build a valid code from its parts (demo data, tests)."""
    org_code = body8 + org_code_check_char(body8)
    first17 = authority + org_type + region_code + org_code
    return first17 + uscc_check_char(first17)
