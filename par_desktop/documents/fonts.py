"""Which serif font the PDFs embed.

Decree 30 asks for Times New Roman. Windows has it; elsewhere the bundled Liberation Serif (metric
compatible, SIL OFL) is used so the PDF lays out exactly like the DOCX opened in Word.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from par_desktop.assets import resource_path

STYLES = ("regular", "bold", "italic", "bold_italic")

_TNR_FILES = ("times.ttf", "timesbd.ttf", "timesi.ttf", "timesbi.ttf")
_TNR_NAMED = ("Times New Roman.ttf", "Times New Roman Bold.ttf", "Times New Roman Italic.ttf",
              "Times New Roman Bold Italic.ttf")
_LIBERATION = ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf",
               "LiberationSerif-BoldItalic.ttf")


def _system_times() -> dict[str, Path] | None:
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows"
    candidates = [
        (Path(windir) / "Fonts", _TNR_FILES),
        (Path("/usr/share/fonts/truetype/msttcorefonts"), _TNR_FILES),
        (Path("/usr/share/fonts/truetype/msttcorefonts"), _TNR_NAMED),
        (Path("/Library/Fonts"), _TNR_NAMED),
        (Path("/System/Library/Fonts/Supplemental"), _TNR_NAMED),
    ]
    for folder, names in candidates:
        paths = [folder / name for name in names]
        if all(p.is_file() for p in paths):
            return dict(zip(STYLES, paths))
    return None


@dataclass(frozen=True)
class FontSet:
    family: str  # the name the PDF shows, e.g. "TimesNewRoman" or "LiberationSerif"
    paths: dict[str, Path]

    def name(self, bold: bool = False, italic: bool = False) -> str:
        suffix = {(False, False): "", (True, False): "-Bold", (False, True): "-Italic",
                  (True, True): "-BoldItalic"}[(bold, italic)]
        return self.family + suffix


def font_set() -> FontSet:
    system = _system_times()
    if system:
        return FontSet("TimesNewRoman", system)
    folder = resource_path("fonts")
    return FontSet("LiberationSerif", dict(zip(STYLES, (folder / n for n in _LIBERATION))))


@lru_cache(maxsize=1)
def register_pdf_fonts() -> FontSet:
    """Register the four faces with reportlab once; <b>/<i> in paragraphs map to them."""
    fonts = font_set()
    for style, (bold, italic) in zip(STYLES, ((0, 0), (1, 0), (0, 1), (1, 1))):
        name = fonts.name(bool(bold), bool(italic))
        pdfmetrics.registerFont(TTFont(name, str(fonts.paths[style])))
        addMapping(fonts.family, bold, italic, name)
    return fonts


@lru_cache(maxsize=1)
def single_line_em() -> float:
    """Height of a single-spaced line in ems, as Word and LibreOffice lay it out: the font's ascender,
    descender and line gap ('hhea' table) over its units per em — 1.15 for Times New Roman and
    Liberation Serif, so "1.15" spacing gives 18.5 pt lines at 14 pt, not 17.9 pt."""
    data = font_set().paths["regular"].read_bytes()
    count = struct.unpack(">H", data[4:6])[0]
    offsets = {}
    for i in range(count):
        tag, _, offset, _ = struct.unpack(">4sIII", data[12 + 16 * i:28 + 16 * i])
        offsets[tag] = offset
    units_per_em = struct.unpack(">H", data[offsets[b"head"] + 18:offsets[b"head"] + 20])[0]
    ascender, descender, line_gap = struct.unpack(">hhh", data[offsets[b"hhea"] + 4:offsets[b"hhea"] + 10])
    return (ascender - descender + line_gap) / units_per_em


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Width in points of one line of text, to size the short rules under titles."""
    fonts = register_pdf_fonts()
    return pdfmetrics.stringWidth(text, fonts.name(bold, italic), size)
