"""Which serif font the PDFs embed.

Decree 30 asks for Times New Roman. Windows has it; elsewhere the bundled Liberation Serif (metric
compatible, SIL OFL) is used so the PDF lays out exactly like the DOCX opened in Word.
"""

from __future__ import annotations

import os
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


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Width in points of one line of text, to size the short rules under titles."""
    fonts = register_pdf_fonts()
    return pdfmetrics.stringWidth(text, fonts.name(bold, italic), size)
