"""The text of a PDF: pdftotext (poppler) when the machine has it, else a small reader of what
fpdf2 writes (Flate streams, hex glyph strings mapped back through the font's ToUnicode CMap)."""

import re
import shutil
import subprocess
import zlib


def pdf_text(data: bytes) -> str:
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True, timeout=30)
        return out.stdout.decode()
    return _fallback(data)


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes]]:
    """{object number: (its dictionary, its decoded stream or b"")}."""
    objects = {}
    for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S):
        body = m.group(2)
        stream = b""
        if b"stream" in body:
            head, _, rest = body.partition(b"stream")
            raw = rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0].rstrip(b"\r\n")
            try:
                stream = zlib.decompress(raw)
            except zlib.error:
                stream = raw
            body = head
        objects[int(m.group(1))] = (body, stream)
    return objects


def _literal(raw: bytes) -> bytes:
    """A PDF literal string's bytes (its backslash escapes undone)."""
    out = bytearray()
    i = 0
    escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
    while i < len(raw):
        ch = raw[i]
        if ch == 0x5C and i + 1 < len(raw):  # backslash
            nxt = raw[i + 1]
            if nxt in escapes:
                out.append(escapes[nxt])
                i += 2
            elif 0x30 <= nxt <= 0x37:
                digits = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4]).group()
                out.append(int(digits, 8) & 0xFF)
                i += 1 + len(digits)
            else:
                out.append(nxt)
                i += 2
        else:
            out.append(ch)
            i += 1
    return bytes(out)


def _cmap(s: bytes) -> dict[int, str]:
    cmap: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", s, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            cmap[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be", "ignore")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", s, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            base = int(dst, 16)
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                cmap[code] = chr(base + k)
    return cmap


_TOKEN = re.compile(rb"/([A-Za-z0-9]+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>\s*Tj|\(((?:\\.|[^\\)])*)\)\s*Tj|(ET)", re.S)


def _fallback(data: bytes) -> str:
    objects = _objects(data)
    # resource name (/F1) → the font's ToUnicode map
    maps: dict[bytes, dict[int, str]] = {}
    for body, _stream in objects.values():
        for fonts in re.findall(rb"/Font\s*<<(.*?)>>", body, re.S):
            for name, ref in re.findall(rb"/([A-Za-z0-9]+)\s+(\d+)\s+0\s+R", fonts):
                font = objects.get(int(ref), (b"", b""))[0]
                uni = re.search(rb"/ToUnicode\s+(\d+)\s+0\s+R", font)
                if uni:
                    maps[name] = _cmap(objects.get(int(uni.group(1)), (b"", b""))[1])
    text = []
    for _body, stream in objects.values():
        if b"Tf" not in stream:
            continue
        cmap: dict[int, str] = {}
        for m in _TOKEN.finditer(stream):
            font, hexes, literal, end = m.groups()
            if font:
                cmap = maps.get(font, {})
            elif end:
                text.append("\n")
            else:
                raw = bytes.fromhex(hexes.decode()) if hexes is not None else _literal(literal)
                text.append("".join(cmap.get(int.from_bytes(raw[i : i + 2], "big"), "") for i in range(0, len(raw), 2)))
    return "".join(text)
