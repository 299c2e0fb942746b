"""The certificate of a registered technology contract (技术合同登记证明) as a PDF.

Drawn with fpdf2 in a CJK font that is embedded (subset to the glyphs used), so the file reads
the same on any machine. The font comes from the system: Debian's fonts-noto-cjk (Noto Sans CJK
SC, installed by .ci/run and named in the README), else fonts-wqy-zenhei / wqy-microhei, else
whatever fontconfig offers for Chinese; `NESTA_CJK_FONT` (a .ttf/.otf/.ttc path) overrides. The
certificate is always in Chinese: it is an official record, whatever the reader's language.
"""

import os
import shutil
import subprocess
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import DomainError

# (path, preferred face names in a collection: the Simplified Chinese one)
_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
_BOLD = {"NotoSansCJK-Regular.ttc": "NotoSansCJK-Bold.ttc", "NotoSerifCJK-Regular.ttc": "NotoSerifCJK-Bold.ttc"}


class FontMissing(DomainError):
    code = "certificate_font_missing"
    status = 503
    default_message = _("服务器缺少中文字体（fonts-noto-cjk），暂时无法生成登记证明。")


@dataclass(frozen=True)
class Font:
    path: str
    index: int
    bold_path: str | None


def _face_index(path: str) -> int:
    """The Simplified Chinese face of a collection (Noto's 'SC'), else its first."""
    if not path.lower().endswith(".ttc"):
        return 0
    from fontTools.ttLib import TTCollection

    try:
        collection = TTCollection(path, lazy=True)
        for i, face in enumerate(collection.fonts):
            family = str(face["name"].getDebugName(1) or "")
            if family.endswith(" SC") or "CN" in family or "Zen Hei" in family or "Micro Hei" in family:
                return i
    except Exception:  # a damaged collection: its first face, as fontconfig would
        return 0
    return 0


def _fontconfig() -> str | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=5, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out if out.lower().endswith((".ttf", ".otf", ".ttc")) and os.path.exists(out) else None


@lru_cache(maxsize=1)
def cjk_font() -> Font:
    """The CJK font the certificates embed (raises FontMissing when the machine has none)."""
    override = os.environ.get("NESTA_CJK_FONT", "")
    for path in (override, *_CANDIDATES, _fontconfig() or ""):
        if path and os.path.exists(path):
            bold = os.path.join(os.path.dirname(path), _BOLD.get(os.path.basename(path), ""))
            return Font(path, _face_index(path), bold if bold != path and os.path.isfile(bold) else None)
    raise FontMissing()


def wan(amount: Decimal) -> str:
    return f"{(amount / 10000).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def both_units(amount: Decimal | None) -> str:
    """1,234,567.00 元（123.46 万元）."""
    if amount is None:
        return "—"
    return f"{amount:,.2f} 元（{wan(amount)} 万元）"


NOT_REGISTERED = _("只有已登记的技术合同才有登记证明。")


def local_date(moment: Any) -> Any:
    """The date of a moment in Asia/Shanghai."""
    return timezone.localtime(moment).date() if moment is not None else None


def cn_date(d: Any) -> str:
    if d is None:
        return "—"
    if hasattr(d, "hour"):
        d = timezone.localtime(d).date()
    return f"{d.year}年{d.month}月{d.day}日"


def _party(name: str, region: str, country: str) -> str:
    from nesta.market.services.contract_countries import CHINA, COUNTRIES

    if country and country != CHINA:
        where = COUNTRIES.get(country, ("", ""))[0]
    else:
        where = _region_name(region)
    return f"{name}（{where}）" if where else name


def _region_name(code: str) -> str:
    """广东省 / 大连市 / 大连市金州区 where the platform knows the code, else the code itself."""
    from nesta.core.models import Region

    if not code:
        return ""
    names = dict(Region.objects.filter(code__in={code, f"{code[:4]}00"}).values_list("code", "name"))
    if code in names and code[4:] != "00" and f"{code[:4]}00" in names:
        return names[f"{code[:4]}00"] + names[code]
    return names.get(code) or names.get(f"{code[:4]}00") or code


def certificate_rows(contract: Any) -> list[tuple[str, str]]:
    validity = f"{cn_date(contract.valid_from)} 至 {cn_date(contract.valid_until)}"
    point = contract.point
    return [
        ("登记编号", contract.number or ""),
        ("合同名称", contract.name),
        ("合同类型", str(contract.get_contract_type_display())),
        ("卖方", _party(contract.seller_name, contract.seller_region, contract.seller_country)),
        ("买方", _party(contract.buyer_name, contract.buyer_region, contract.buyer_country)),
        ("签订日期", cn_date(contract.signed_on)),
        ("合同有效期", validity),
        ("技术领域", str(contract.get_tech_field_display())),
        ("合同成交额", both_units(contract.contract_amount)),
        ("技术交易额", both_units(contract.technology_amount)),
        ("登记机构", f"{point.name}（{point.organization.name}）"),
        ("登记日期", cn_date(contract.registered_at)),
    ]


def certificate_pdf(contract: Any, *, verify_url: str) -> bytes:
    """The certificate of a registered contract; `verify_url` is the absolute URL of the public
    page that confirms it (the caller knows the site's address, this module does not)."""
    from fpdf import FPDF
    from fpdf.enums import MethodReturnValue

    font = cjk_font()
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(f"技术合同登记证明 {contract.number}")
    pdf.set_author(contract.point.organization.name)
    pdf.set_creator("东北振兴科技行动平台")
    pdf.set_auto_page_break(auto=False)
    pdf.add_font("cjk", "", font.path, collection_font_number=font.index)
    bold = "B" if font.bold_path else ""
    if font.bold_path:
        pdf.add_font("cjk", "B", font.bold_path, collection_font_number=font.index)
    pdf.add_page()
    # a double frame, as on the printed certificates
    pdf.set_draw_color(150, 20, 20)
    pdf.set_line_width(1.2)
    pdf.rect(12, 12, 186, 273)
    pdf.set_line_width(0.3)
    pdf.rect(15, 15, 180, 267)

    pdf.set_text_color(150, 20, 20)
    pdf.set_font("cjk", bold, 26)
    pdf.set_xy(15, 32)
    pdf.cell(180, 14, "技术合同登记证明", align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("cjk", "", 12)
    pdf.set_xy(15, 50)
    pdf.cell(180, 8, f"登记编号：{contract.number}", align="C")

    y = 66.0
    pdf.set_draw_color(120, 120, 120)
    for label, value in certificate_rows(contract)[1:]:
        pdf.set_font("cjk", "", 11)
        lines = pdf.multi_cell(126, 6, value, dry_run=True, output=MethodReturnValue.LINES)
        height = 10.0 if len(lines) <= 1 else 6.0 * len(lines) + 2
        pdf.set_xy(25, y)
        pdf.set_font("cjk", bold, 11)
        pdf.cell(34, height, label, border=1, align="C")
        pdf.set_font("cjk", "", 11)
        pdf.set_xy(59, y)
        pdf.multi_cell(126, height / max(1, len(lines)), value, border=1)
        y += height

    y += 10
    pdf.set_font("cjk", "", 10.5)
    pdf.set_xy(25, y)
    pdf.multi_cell(
        160,
        6,
        "经认定，上述合同为技术合同，准予登记。本证明可作为享受技术交易相关政策的依据。"
        "合同当事人如有变更，应重新申请认定登记。",
    )
    y = pdf.get_y() + 6
    pdf.set_xy(25, y)
    pdf.cell(160, 6, "核验：访问以下网址，核对登记编号、合同类型、当事人与金额：")
    pdf.set_xy(25, y + 7)
    pdf.set_text_color(20, 60, 160)
    pdf.cell(160, 6, verify_url, link=verify_url)
    pdf.set_text_color(0, 0, 0)

    pdf.set_font("cjk", "", 12)
    pdf.set_xy(110, 240)
    pdf.cell(75, 8, f"登记机构：{contract.point.organization.name}"[:40], align="R")
    pdf.set_xy(110, 250)
    pdf.cell(75, 8, cn_date(contract.registered_at), align="R")
    return bytes(pdf.output())


def place_label(region: str, country: str) -> str:
    """A party's place for a page: 沈阳市 / 北京（110108） / 日本."""
    from nesta.core.models import Region
    from nesta.market.services.contract_countries import CHINA, COUNTRIES

    if country and country != CHINA:
        return COUNTRIES.get(country, (country, ""))[0]
    if not region:
        return ""
    names = dict(Region.objects.filter(code__in={region, f"{region[:4]}00"}).values_list("code", "name"))
    city = names.get(f"{region[:4]}00", "")
    if region in names:
        return names[region] if region.endswith("00") else city + names[region]
    return f"{city}（{region}）" if city else region


def cost_lines(contract: Any) -> list[dict[str, Any]]:
    from nesta.market.services.contract_rules import NON_TECHNICAL_ITEMS

    return [
        {**line, "label": str(NON_TECHNICAL_ITEMS.get(line.get("item", ""), line.get("item", "")))}
        for line in contract.non_technical_costs or []
    ]
