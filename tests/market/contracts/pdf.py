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


def _streams(data: bytes) -> list[bytes]:
    found = []
    for m in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", m.end())
        raw = data[m.end() : end].rstrip(b"\r\n")
        try:
            found.append(zlib.decompress(raw))
        except zlib.error:
            found.append(raw)
    return found


def _fallback(data: bytes) -> str:
    streams = _streams(data)
    cmap: dict[str, str] = {}
    for s in streams:
        if b"beginbfchar" in s or b"beginbfrange" in s:
            for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", s):
                cmap[src.decode().upper()] = bytes.fromhex(dst.decode()).decode("utf-16-be", "ignore")
    text = []
    for s in streams:
        for hexes in re.findall(rb"<([0-9A-Fa-f]+)>\s*Tj", s):
            h = hexes.decode().upper()
            text.append("".join(cmap.get(h[i : i + 4], "") for i in range(0, len(h), 4)))
        for literal in re.findall(rb"\((.*?)\)\s*Tj", s):
            text.append(literal.decode("latin-1"))
        text.append("\n")
    return "".join(text)
