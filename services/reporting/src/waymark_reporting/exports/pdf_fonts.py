"""The PDF's fonts: DejaVu Sans, which matplotlib ships (so it is there wherever the
charts can be drawn) and which has every character a report may hold ("–", "£", "’",
Welsh and Polish names); Helvetica if it cannot be found, with what Helvetica cannot
show replaced by the nearest it can."""

from __future__ import annotations

import importlib.util
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "italic": "DejaVuSans-Oblique.ttf"}
_NEAREST = {"≥": ">=", "≤": "<=", "→": "->", "✓": "Yes", "✗": "No", "•": "·"}


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    italic: str
    embedded: bool

    def text(self, text: str) -> str:
        """``text`` as these fonts can show it."""
        return text if self.embedded else latin(text)


@cache
def fonts() -> Fonts:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = _matplotlib_fonts()
    if folder is None or not all((folder / name).is_file() for name in FILES.values()):
        return Fonts("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", embedded=False)
    names = {}
    for kind, name in FILES.items():
        names[kind] = f"Waymark-{kind}"
        pdfmetrics.registerFont(TTFont(names[kind], str(folder / name)))
    pdfmetrics.registerFontFamily(
        "Waymark",
        normal=names["regular"],
        bold=names["bold"],
        italic=names["italic"],
        boldItalic=names["bold"],
    )
    return Fonts(names["regular"], names["bold"], names["italic"], embedded=True)


def _matplotlib_fonts() -> Path | None:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


def latin(text: str) -> str:
    """What Helvetica (Windows-1252) can show: accents kept where it has them, else
    dropped ("ŵ" as "w"), a few symbols spelled out, anything else as "?"."""
    out = []
    for character in text:
        if _in_cp1252(character):
            out.append(character)
        elif character in _NEAREST:
            out.append(_NEAREST[character])
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c)
            )
            out.append(base if base and all(_in_cp1252(c) for c in base) else "?")
    return "".join(out)


def _in_cp1252(character: str) -> bool:
    try:
        character.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True
