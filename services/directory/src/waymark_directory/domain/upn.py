"""Unique Pupil Numbers (UPNs): DfE's 13-character pupil identifier and its check letter.

The national formula (DfE "Unique pupil numbers (UPNs): a guide for schools and local
authorities" v1.2, Annex A, as given in the Government Data Standards Catalogue's
UniquePupilNumber v2.0 and school census validation rule 1510):

* character 1 is the check letter; characters 2-12 are digits (LA number, establishment
  number, the last two digits of the year of issue, and a serial);
* character 13 is a digit (permanent UPN) or a letter (temporary UPN);
* multiply characters 2 to 13 by the weights 2 to 13 and add the products; a letter in
  position 13 counts as its value in the check-letter table (A=0, B=1, ... Z=22);
* the sum modulo 23 indexes the table ``ABCDEFGHJKLMNPQRTUVWXYZ`` (the alphabet without
  I, O and S, which are never a check letter nor a temporary UPN's last character).

Examples: ``B801200005001`` (sum 93, 93 mod 23 = 1: B). For the body ``207000016049``
the sum is 266 and 266 mod 23 = 13, which is P (the 14th letter of the table); one MIS
vendor's help page gives this example with a sum of 267 and the letter Q, an arithmetic
slip that the tests pin down.
"""

from __future__ import annotations

import re

LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_FORMAT = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


def check_letter(body: str) -> str:
    """The check letter for characters 2-13 of a UPN (12 characters)."""
    if len(body) != 12 or not body[:11].isdigit():
        raise ValueError("a UPN body is 11 digits and a digit or letter")
    total = sum(weight * _value(char) for weight, char in enumerate(body, start=2))
    return LETTERS[total % 23]


def _value(char: str) -> int:
    if char.isdigit():
        return int(char)
    index = LETTERS.find(char)
    if index < 0:
        raise ValueError("I, O and S are not used in a temporary UPN")
    return index


def normalise_upn(text: str) -> str:
    """Upper case, without the spaces a spreadsheet may add."""
    return "".join(text.split()).upper()


def upn_error(upn: str) -> str | None:
    """Why ``upn`` (normalised) is not a valid UPN, or None. Never echoes the UPN."""
    if not upn:
        return "Enter the UPN."
    if len(upn) != 13:
        return f"A UPN is 13 characters; this one has {len(upn)}."
    if not _FORMAT.match(upn):
        return "A UPN is a letter, 11 digits, then a digit (or a letter for a temporary UPN)."
    if upn[12] in "IOS":
        return "A temporary UPN never ends in I, O or S."
    if upn[0] not in LETTERS or check_letter(upn[1:]) != upn[0]:
        return "The UPN's check letter is wrong: check it against the MIS."
    return None


def is_valid_upn(upn: str) -> bool:
    return upn_error(normalise_upn(upn)) is None


def make_upn(body: str) -> str:
    """A UPN for a 12-character body, with its check letter (demo data and tests)."""
    return check_letter(body) + body
