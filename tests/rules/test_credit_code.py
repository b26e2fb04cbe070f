from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.rules import RuleViolation
from registry.rules.credit_code import (
    ALPHABET,
    WEIGHTS,
    area_code,
    build_credit_code,
    check_character,
    division_warning,
    make_credit_code,
    organisation_check,
    validate_credit_code,
)
from tests.rules._assert import violates

EXAMPLE = "91130200699229617X"  # domain.md §3
# Public codes (GB 32100-2015's own example first); each passes with chance 1/31 if wrong.
PUBLIC_CODES = ["91350100M000100Y43", "91440300708461136T", "91110108551385082Q",
                "91310000132200821H"]



def reference_org_check(org8: str) -> str:
    """GB 11714 written out longhand: values base 36, weights 3 7 9 10 5 8 4 2, mod 11."""
    total = sum(int(c, 36) * w for c, w in zip(org8, [3, 7, 9, 10, 5, 8, 4, 2]))
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


# Positions 1–2 of GB 32100-2015 Table 1 (and the later A, N), typed from the standard.
PAIRS = ["11", "12", "13", "19", "21", "29", "31", "32", "33", "34", "35", "39", "41", "49",
         "51", "52", "53", "59", "61", "62", "69", "71", "72", "79", "81", "89", "91", "92",
         "93", "A1", "A9", "N1", "N2", "N3", "N9", "Y1"]

any_bodies = st.text(alphabet=ALPHABET, min_size=17, max_size=17)
bodies = st.builds(
    lambda pair, division, org8: pair + division + org8 + reference_org_check(org8),
    st.sampled_from(PAIRS), st.from_regex(r"\A41[0-9]{4}\Z"),
    st.text(alphabet=ALPHABET, min_size=8, max_size=8))
codes = bodies.map(make_credit_code)


def reference_check(body: str) -> str:
    """GB 32100-2015 written out longhand, independently of the module."""
    values = [ALPHABET.index(c) for c in body]
    weights = [3 ** i % 31 for i in range(17)]  # the weights are powers of 3 modulo 31
    return ALPHABET[(31 - sum(v * w for v, w in zip(values, weights)) % 31) % 31]


def test_alphabet_and_weights_are_the_standard():
    assert ALPHABET == "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert not set("IOSVZ") & set(ALPHABET) and len(ALPHABET) == 31
    assert tuple(WEIGHTS) == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("code", [EXAMPLE, *PUBLIC_CODES])
def test_public_codes_validate(code):
    assert validate_credit_code(code) == code
    assert make_credit_code(code[:17]) == code
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize("typed", [
    "91130200699229617x",
    "  91130200699229617X\t",
    "９１１３０２００６９９２２９６１７Ｘ",  # full-width digits and letter
    "\u300091130200699229617X\u3000",    # ideographic spaces
    "９１１３０２００６９９２２９６１７ｘ",
    "91130200 699229617X",                 # a space inside (issue #16 §2.4)
    "9113 0200 6992 2961 7X",              # grouped in fours, as pasted from a licence
    "9113\u00a00200\u30006992\t2961 7X",    # no-break, ideographic and tab
])
def test_validate_normalises(typed):
    assert validate_credit_code(typed) == EXAMPLE


@pytest.mark.parametrize("value, length", [
    ("", 0), ("9113020069922961", 16), ("9113020069922961X", 17),
    ("91130200699229617X0", 19), ("9113 0200699229617X 0", 19),
])
def test_wrong_length(value, length):
    with violates("credit_code.length", length=length):
        validate_credit_code(value)


@pytest.mark.parametrize("value, character, position", [
    ("I1130200699229617X", "I", 1),
    ("91130200699229617O", "O", 18),
    ("911302006992296S7X", "S", 16),
    ("91130200V99229617X", "V", 9),
    ("9113020069922961Z7", "Z", 17),
    ("91130200699229617i", "I", 18),       # upper-cased before the check
    ("91-30200699229617X", "-", 3),
    ("91130200699229617汉", "汉", 18),
])
def test_illegal_character(value, character, position):
    with violates("credit_code.character", character=character, position=position):
        validate_credit_code(value)


@pytest.mark.parametrize("value, expected, given_", [
    ("911302006992296170", "X", "0"),
    ("91130200699229618X", "1", "X"),  # +1 at weight 28: sum 2 -> 30
    ("91350100M000100Y44", "3", "4"),
])
def test_wrong_check_character(value, expected, given_):
    assert check_character(value[:17]) == expected
    with violates("credit_code.check_digit", expected=expected, given=given_):
        validate_credit_code(value)


def test_length_is_checked_before_characters():
    with violates("credit_code.length", length=5):
        validate_credit_code("IOSVZ")


@pytest.mark.parametrize("body, rule, params", [
    ("9113020069922961", "credit_code.length", {"length": 16}),
    ("91130200699229617X", "credit_code.length", {"length": 18}),
    ("9113020069922961I", "credit_code.character", {"character": "I", "position": 17}),
])
def test_make_rejects_bad_bodies(body, rule, params):
    for build in (make_credit_code, check_character):
        with violates(rule, **params):
            build(body)


def test_area_code():
    assert area_code(EXAMPLE) == "130200"
    assert area_code(" 91350100m000100y43 ") == "350100"
    with pytest.raises(RuleViolation):
        area_code("91130200699229618X")


@given(any_bodies)
def test_check_character_of_any_body(body):
    assert make_credit_code(body) == body + reference_check(body)


@given(bodies)
def test_made_codes_validate(body):
    code = make_credit_code(body)
    assert len(code) == 18 and code[:17] == body
    assert code[17] == reference_check(body)
    assert validate_credit_code(code) == code
    assert validate_credit_code(code.lower()) == code


@given(codes, st.integers(0, 17), st.sampled_from(ALPHABET))
def test_any_single_substitution_is_rejected(code, index, char):
    if code[index] == char:
        char = ALPHABET[(ALPHABET.index(char) + 1) % len(ALPHABET)]
    changed = code[:index] + char + code[index + 1:]
    with pytest.raises(RuleViolation) as info:
        validate_credit_code(changed)
    assert info.value.rule == "credit_code.check_digit"


@given(codes, st.integers(0, 17), st.sampled_from("IOSVZ-*.汉"))
def test_illegal_character_is_named_with_its_position(code, index, char):
    changed = code[:index] + char + code[index + 1:]
    with violates("credit_code.character", character=char, position=index + 1):
        validate_credit_code(changed)


@given(codes, st.integers(0, 15))
def test_adjacent_transpositions_in_the_body_are_rejected(code, index):
    a, b = code[index], code[index + 1]
    if a == b:
        return
    swapped = code[:index] + b + a + code[index + 2:]
    with pytest.raises(RuleViolation) as info:
        validate_credit_code(swapped)
    assert info.value.rule == "credit_code.check_digit"


# --- structure (issue #22 point 2) -----------------------------------------------------

def test_the_example_organisation_code():
    # domain.md §3: in 91130200699229617X, 69922961 -> 7.
    assert organisation_check("69922961") == "7" == reference_org_check("69922961")
    assert organisation_check("M000100Y") == "4"  # 91350100M000100Y43


@pytest.mark.parametrize("pair, position", [
    ("99", 2), ("94", 2), ("59", None), ("0A", 1), ("B1", 1), ("Y2", 2), ("A3", 2),
    ("10", 2), ("22", 2), ("N4", 2), ("X1", 1),
])
def test_positions_1_and_2_must_be_a_pair_of_the_table(pair, position):
    code = make_credit_code(pair + "130200" + "69922961" + "7")
    if position is None:  # 民政 / 其他 is in the table
        assert validate_credit_code(code) == code
        return
    with violates("credit_code.authority", pair=pair, position=position):
        validate_credit_code(code)


@pytest.mark.parametrize("pair", PAIRS)
def test_every_pair_of_the_table_is_accepted(pair):
    code = make_credit_code(pair + "411081" + "MA000000" + reference_org_check("MA000000"))
    assert validate_credit_code(code) == code


@pytest.mark.parametrize("org9, expected, given_", [
    ("699229618", "7", "8"), ("69922961X", "7", "X"), ("M000100Y0", "4", "0"),
])
def test_positions_9_to_17_must_pass_gb_11714(org9, expected, given_):
    code = make_credit_code("91130200" + org9)  # a correct GB 32100 check character
    with violates("credit_code.organisation_code", expected=expected, given=given_):
        validate_credit_code(code)


def test_a_mistyped_character_is_reported_as_the_check_digit_first():
    # 91130200699229618X: position 17 wrong, and so is the GB 32100 check character.
    with violates("credit_code.check_digit", expected="1", given="X"):
        validate_credit_code("91130200699229618X")


@given(any_bodies)
def test_checksum_valid_junk_passes_only_with_its_structure(body):
    code = make_credit_code(body)
    structured = body[:2] in PAIRS and body[16] == reference_org_check(body[8:16])
    if structured:
        assert validate_credit_code(code) == code
    else:
        with pytest.raises(RuleViolation) as info:
            validate_credit_code(code)
        assert info.value.rule in ("credit_code.authority", "credit_code.organisation_code")


@pytest.mark.parametrize("division, warned", [
    ("411081", False), ("130200", False), ("110108", False), ("419001", False),
    ("991081", True), ("41A081", True), ("410012", True), ("000000", True),
])
def test_an_unknown_division_is_a_warning_not_a_refusal(division, warned):
    code = build_credit_code("91", division, "MA000000")
    assert validate_credit_code(code) == code
    warning = division_warning(code)
    assert (warning is not None) is warned
    if warned:
        assert warning.rule == "credit_code.division" and warning.params == {"division": division}


def test_build_credit_code():
    assert build_credit_code("91", "130200", "69922961") == EXAMPLE
