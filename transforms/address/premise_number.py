"""House and premise numbers: the normal form parse writes, and the key premises are matched on.

Every rule exists twice — as Python (`re`) and as a DuckDB SQL macro (RE2) — built from the same pattern
constants below, which use only syntax both engines read the same way (no look-around, `[0-9]` rather
than `\\d`, literal spaces rather than `\\s`). `tests/test_address.py` checks the twins agree.

Normal form (what `parse_addresses` writes, CONTRACT §1): upper-case, no spaces, hyphens, dots or `№`,
leading zeros dropped, Latin look-alike letters written in Cyrillic (`25A` → `25А`) unless the whole value
is a Roman numeral (`IV` stays `IV`: basement rooms are numbered so). The letter stays where it was written.

Key (`premise_number_key`): the normal form, then also the `кв.`/`пом.` prefix dropped, Roman numerals
turned Arabic (`IV` → `4`) and `Н1` → `1Н`, so `пом. 1-Н`, `1н`, `Н1` and `Н-01` all give `1Н`.
"""

from __future__ import annotations

import re

from transforms.address.sqltext import Steps, q, scalar_macro, sql_list

# Whitespace DuckDB's RE2 `\s` would miss (no-break and narrow spaces): turned into plain spaces first.
EXOTIC_SPACES = "\u00a0\u2007\u202f\t\r\n\f\v"
LATIN_LOOKALIKES = "ABCEHKMOPTXY"
CYRILLIC_TWINS = "АВСЕНКМОРТХУ"

# Punctuation that never carries meaning inside a number.
NOISE_RE = "[ .№#_\"'«»‐–—-]"
LEADING_ZEROS_RE = "^0+([0-9])"
ROMAN_RE = "X{0,3}(IX|IV|V?I{0,3})"
ROMAN_UNITS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
# Roman numerals typed with a Cyrillic Х (`ХII`): read the Х as X when a Latin I or V is beside it.
MIXED_ROMAN_RE = "[IVXХ]*[IV][IVXХ]*"
# A value is a plausible number when it has a digit (at most 8 characters a side of one slash) or is a
# short run of letters (`А`, `IV`); anything longer is prose that slipped into a number column.
NUMBER_SHAPE_RE = "[0-9А-ЯЁA-Z]{1,8}(/[0-9А-ЯЁA-Z]{1,8})?"
NUMBER_HEAD_RE = "^[0-9]+[А-ЯЁA-Z]?(/[0-9]+[А-ЯЁA-Z]?)?"
LETTERS_ONLY_RE = "[А-ЯЁA-Z]{1,4}"
# Premise-type words written in front of the number (`кв. 5`, `пом.1Н`, `квартира № 3`).
PREMISE_PREFIX_RE = (
    "^(КВАРТИРА|КВАРТ|КВ|ПОМЕЩЕНИЕ|ПОМЕЩ|ПОМ|КОМНАТА|КОМН|КОМ|ОФИС|ОФ)([ .№#]+|([0-9]))"
)
N_FIRST_RE = "^Н([0-9]+)$"

_TO_CYRILLIC = str.maketrans(LATIN_LOOKALIKES, CYRILLIC_TWINS)


def _spaces(s: str) -> str:
    return s.translate(str.maketrans(EXOTIC_SPACES, " " * len(EXOTIC_SPACES)))


def _roman_value(s: str) -> int | None:
    if re.fullmatch(MIXED_ROMAN_RE, s):
        s = s.replace("Х", "X")
    if not s or not re.fullmatch(ROMAN_RE, s):
        return None
    tens = len(s) - len(s.lstrip("X"))
    rest = s[tens:]
    return 10 * tens + (ROMAN_UNITS.index(rest) + 1 if rest else 0)


def _bare(s: str) -> str:
    """Upper-case, no noise characters, leading zeros dropped."""
    s = re.sub(NOISE_RE, "", _spaces(s).upper().replace("Ё", "Е"))
    return re.sub(LEADING_ZEROS_RE, r"\1", s)


def number_normal_form(value: str | None) -> str | None:
    """House/korpus/premise number as CONTRACT §1 writes it, or None when it is not a number."""
    if value is None:
        return None
    s = _bare(value)
    if _roman_value(s) is None:
        s = s.translate(_TO_CYRILLIC)
    if re.fullmatch(NUMBER_SHAPE_RE, s) and (re.search("[0-9]", s) or re.fullmatch(LETTERS_ONLY_RE, s)):
        return s
    head = re.match(NUMBER_HEAD_RE, s)
    return head.group(0) if head else None


def premise_number_key(value: str | None) -> str | None:
    """Key premises are matched on across sources: `пом. 1-Н` == `1н` == `Н1` == `Н-01`; `IV` == `4`."""
    if value is None:
        return None
    s = _spaces(value).upper().replace("Ё", "Е").strip(" ")
    s = re.sub(PREMISE_PREFIX_RE, r"\3", s)
    s = re.sub(LEADING_ZEROS_RE, r"\1", re.sub(NOISE_RE, "", s))
    roman = _roman_value(s)
    if roman is not None:
        return str(roman)
    s = s.translate(_TO_CYRILLIC)
    s = re.sub(N_FIRST_RE, r"\1Н", s)
    return re.sub(LEADING_ZEROS_RE, r"\1", s) or None


# --- SQL twins -------------------------------------------------------------------------------------


def _spaces_sql(col: str) -> str:
    return f"translate({col}, {q(EXOTIC_SPACES)}, {q(' ' * len(EXOTIC_SPACES))})"


def roman_value_sql(col: str) -> str:
    """Arabic value of `col` when it is a Roman numeral (`_roman_value`), else NULL. `col` is used thrice:
    pass a column, not an expression."""
    fixed = f"CASE WHEN regexp_full_match({col}, {q(MIXED_ROMAN_RE)}) THEN replace({col}, 'Х', 'X') ELSE {col} END"
    return (
        f"CASE WHEN {col} <> '' AND regexp_full_match({fixed}, {q(ROMAN_RE)}) THEN "
        f"10 * length(regexp_extract({fixed}, '^X*')) "
        f"+ coalesce(list_position({sql_list(ROMAN_UNITS)}, ltrim({fixed}, 'X')), 0) END"
    )


def number_normal_form_steps(src: str, out: str) -> Steps:
    """Column steps computing `number_normal_form(src)` into column `out`."""
    return [
        (f"{out}_bare", f"regexp_replace(regexp_replace(replace(upper({_spaces_sql(src)}), 'Ё', 'Е'), "
                        f"{q(NOISE_RE)}, '', 'g'), {q(LEADING_ZEROS_RE)}, '\\1')"),
        (f"{out}_cyr", f"CASE WHEN ({roman_value_sql(f'{out}_bare')}) IS NULL "
                       f"THEN translate({out}_bare, {q(LATIN_LOOKALIKES)}, {q(CYRILLIC_TWINS)}) ELSE {out}_bare END"),
        (out, f"CASE WHEN regexp_full_match({out}_cyr, {q(NUMBER_SHAPE_RE)}) "
              f"AND (regexp_matches({out}_cyr, '[0-9]') OR regexp_full_match({out}_cyr, {q(LETTERS_ONLY_RE)})) "
              f"THEN {out}_cyr ELSE nullif(regexp_extract({out}_cyr, {q(NUMBER_HEAD_RE)}), '') END"),
    ]


def premise_number_key_steps(src: str, out: str) -> Steps:
    """Column steps computing `premise_number_key(src)` into column `out`."""
    return [
        (f"{out}_bare", f"regexp_replace(regexp_replace(regexp_replace("
                        f"trim(replace(upper({_spaces_sql(src)}), 'Ё', 'Е')), "
                        f"{q(PREMISE_PREFIX_RE)}, '\\3'), {q(NOISE_RE)}, '', 'g'), {q(LEADING_ZEROS_RE)}, '\\1')"),
        (f"{out}_roman", roman_value_sql(f"{out}_bare")),
        (out, f"CASE WHEN {out}_roman IS NOT NULL THEN CAST({out}_roman AS VARCHAR) "
              f"ELSE nullif(regexp_replace(regexp_replace("
              f"translate({out}_bare, {q(LATIN_LOOKALIKES)}, {q(CYRILLIC_TWINS)}), "
              f"{q(N_FIRST_RE)}, '\\1Н'), {q(LEADING_ZEROS_RE)}, '\\1'), '') END"),
    ]


def sql_macros() -> list[str]:
    return [
        scalar_macro("address_number", "number_text", number_normal_form_steps("number_text_", "number")),
        scalar_macro("premise_number_key", "number_text", premise_number_key_steps("number_text_", "premise_key")),
    ]
