"""UPN check letters, by DfE's national formula (pure domain; no database)."""

import pytest

from waymark_directory.domain.upn import (
    LETTERS,
    check_letter,
    is_valid_upn,
    make_upn,
    normalise_upn,
    upn_error,
)


@pytest.mark.parametrize(
    "upn",
    [
        "P207000016049",  # sum 266, 266 mod 23 = 13 -> P (A..H = 0..7, J = 8, ..., N = 12, P = 13)
        "B801200005001",  # python-stdnum's documented example
        "H801200001001",
        make_upn("38390012601A"),  # temporary UPN, final letter A counts 0
        make_upn("38390012601Z"),  # ... Z counts 22
    ],
)
def test_valid_upns_pass(upn):
    assert upn_error(upn) is None
    assert is_valid_upn(upn)


def test_check_letter_of_a_worked_example():
    weights = range(2, 14)
    total = sum(w * int(c) for w, c in zip(weights, "207000016049", strict=True))
    assert total == 266
    assert check_letter("207000016049") == LETTERS[266 % 23] == "P"
    # A MIS help page gives this body with Q (its sum: 267): Q is wrong.
    assert upn_error("Q207000016049") is not None


def test_temporary_upn_letters_take_their_value_in_the_check_letter_table():
    # 'J' is the ninth letter but the eighth entry (I is skipped): value 8, weight 13.
    body_a, body_j = "38390012601A", "38390012601J"
    offset = (13 * 8) % 23
    assert LETTERS.index(check_letter(body_j)) == (LETTERS.index(check_letter(body_a)) + offset) % 23


@pytest.mark.parametrize(
    ("upn", "fragment"),
    [
        ("", "Enter the UPN"),
        ("A80120000500", "13 characters"),
        ("A8012000050011", "13 characters"),
        ("A801200005001", "check letter"),  # B is right
        ("1801200005001", "a letter, 11 digits"),
        ("B80120000500-", "a letter, 11 digits"),
        ("B8012000A5001", "a letter, 11 digits"),
        ("I801200005001", "check letter"),  # I is never a check letter
        ("A38390012601O", "never ends in I, O or S"),
        ("A38390012601S", "never ends in I, O or S"),
    ],
)
def test_invalid_upns_say_why_without_echoing_the_upn(upn, fragment):
    message = upn_error(upn)
    assert message is not None and fragment in message
    if upn:
        assert upn not in message


def test_every_single_digit_change_is_caught():
    upn = "P207000016049"
    for position in range(1, 13):
        for digit in "0123456789":
            if digit != upn[position]:
                changed = upn[:position] + digit + upn[position + 1 :]
                assert upn_error(changed) is not None, changed


def test_adjacent_transpositions_are_caught():
    upn = "H801234567891"
    upn = make_upn(upn[1:])
    for position in range(1, 12):
        a, b = upn[position], upn[position + 1]
        if a != b:
            swapped = upn[:position] + b + a + upn[position + 2 :]
            assert upn_error(swapped) is not None


def test_normalising_strips_spaces_and_upper_cases():
    assert normalise_upn(" p207 0000 16049 ") == "P207000016049"
    assert is_valid_upn("p207000016049")
