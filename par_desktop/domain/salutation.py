"""How a letter addresses the applicant of a dossier (danh xưng): "Ông" / "Bà" before a person's name,
an organisation by its own name.

The one-stop forms print "Ông/Bà/Tổ chức" for the clerk to choose from; a finished slip must carry the
choice. The record says it (``Dossier.applicant_kind``); an applicant whose name starts like an
organisation's ("Công ty …", "Trường …") is one; a person whose sex is not recorded is "Ông/Bà", the
neutral form of Vietnamese administrative letters — never guessed from the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from par_desktop.domain.text import fold, nfc

KINDS = ("man", "woman", "organisation")
KIND_LABELS = {"": "Theo hồ sơ", "man": "Ông", "woman": "Bà", "organisation": "Tổ chức"}

# The first words of an organisation's name, with their accents ("Trường …" is a school, "Trương …" a
# person); (prefix, how the letter refers to it afterwards)
_ORGANISATIONS = (
    ("tổng công ty", "Quý Tổng công ty"), ("công ty", "Quý Công ty"), ("hợp tác xã", "Quý Hợp tác xã"),
    ("htx", "Quý Hợp tác xã"), ("trường", "Quý Trường"), ("trung tâm", "Quý Trung tâm"),
    ("doanh nghiệp", "Quý Doanh nghiệp"), ("cơ sở", "Quý Cơ sở"), ("chi nhánh", "Quý Chi nhánh"),
    ("ngân hàng", "Quý Ngân hàng"), ("bệnh viện", "Quý Bệnh viện"), ("hội", "Quý Hội"),
    ("văn phòng", "Quý Văn phòng"), ("ubnd", "Quý cơ quan"), ("ủy ban", "Quý cơ quan"), ("uỷ ban", "Quý cơ quan"),
    ("hộ kinh doanh", "Quý Hộ kinh doanh"), ("tổ chức", "Quý tổ chức"), ("viện", "Quý Viện"),
)


@dataclass(frozen=True)
class Salutation:
    address: str   # "Bà Trịnh Thị Dung", "Công ty CP Fuhong Precision": after "Kính gửi:", first mention
    pronoun: str   # "Bà", "Quý Công ty": every later mention
    known: bool    # False: a person whose sex is not recorded ("Ông/Bà")


def _organisation_pronoun(name: str) -> str | None:
    words = " ".join(name.casefold().split())
    for prefix, pronoun in _ORGANISATIONS:
        if re.match(rf"{prefix}\b", words):
            return pronoun
    return None


def looks_like_organisation(name: str) -> bool:
    return _organisation_pronoun(nfc(name)) is not None


# What a one-stop export's "Danh xưng" / "Giới tính" cell may say (folded), and the kind it records;
# "Cá nhân" or "Ông/Bà" say only that the applicant is a person.
_KIND_WORDS = {
    "ong": "man", "nam": "man", "mr": "man",
    "ba": "woman", "nu": "woman", "mrs": "woman", "ms": "woman",
    "to chuc": "organisation", "doanh nghiep": "organisation", "co quan": "organisation",
    "ca nhan": "", "ong/ba": "", "ong / ba": "", "": "",
}


def parse_kind(text: str) -> str:
    """The applicant kind a cell states: "Ông"/"Nam" -> man, "Bà"/"Nữ" -> woman, "Tổ chức" -> organisation,
    blank, "Cá nhân" or "Ông/Bà" -> "" (not known). Raises ValueError for anything else."""
    key = fold(text).strip(" .")
    if key in _KIND_WORDS:
        return _KIND_WORDS[key]
    raise ValueError(f"«{nfc(text).strip()}» không rõ (Ông, Bà, Nam, Nữ, Tổ chức hoặc để trống)")


def salutation(name: str, kind: str = "") -> Salutation:
    """The applicant ``name`` as a letter addresses them, ``kind`` being what the record says."""
    name = nfc(name)
    if kind not in ("", *KINDS):
        raise ValueError(f"unknown applicant kind {kind!r}")
    pronoun = _organisation_pronoun(name)
    if kind == "organisation" or (kind == "" and pronoun is not None):
        return Salutation(name, pronoun or name, True)
    if kind in ("man", "woman"):
        title = "Ông" if kind == "man" else "Bà"
        return Salutation(f"{title} {name}", title, True)
    return Salutation(f"Ông/Bà {name}", "Ông/Bà", False)
