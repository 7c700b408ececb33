"""`street_key`: the form street (and other place) names are matched on across sources.

Parse keeps a name as written (ё, «им.», ordinal place); the key folds what sources write differently:
ё → е, case, punctuation, «им.»/«имени», hyphens, and ordinal numbers — their suffix dropped, Roman
numerals made Arabic, the number moved to the end — so `Пугачёвский` == `Пугачевский`,
`ул. им. Ленина` == `Ленина`, `1-я Парковая` == `Парковая 1-я` == `Парковая 1я` (all `парковая 1`),
`8 Марта` == `8-го Марта` == `VIII Марта`.

Python and SQL twins share the pattern constants (syntax both `re` and RE2 read alike).
"""

from __future__ import annotations

import re

from transforms.address.premise_number import EXOTIC_SPACES, _roman_value, roman_value_sql
from transforms.address.sqltext import Steps, q, scalar_macro

PUNCTUATION_RE = "[.,;:!?\"'`«»()№#/\\\\]"
# `1-я`, `1я`, `5-й`, `3-х`, `2-го`: the suffix goes, the number stays.
ORDINAL_SUFFIX_RE = "([0-9])-?(ая|яя|ья|я|ый|ий|ой|й|ое|ее|ье|е|ого|его|го|ей|ых|их|х|ти|ми)( |$)"
DASHES_RE = "[‐–—-]"
SPACES_RE = " +"
NUMBER_TOKEN_RE = "[0-9]+"
DROPPED_WORDS = ("им", "имени")


def street_key(name: str | None) -> str | None:
    if name is None:
        return None
    s = name.translate(str.maketrans(EXOTIC_SPACES, " " * len(EXOTIC_SPACES))).lower().replace("ё", "е")
    s = re.sub(PUNCTUATION_RE, " ", s)
    s = re.sub(ORDINAL_SUFFIX_RE, r"\1\3", s)
    s = re.sub(DASHES_RE, " ", s)
    words = [w for w in re.sub(SPACES_RE, " ", s).strip(" ").split(" ") if w and w not in DROPPED_WORDS]
    words = [str(_roman_value(w.upper())) if _roman_value(w.upper()) is not None else w for w in words]
    numbers = [w for w in words if re.fullmatch(NUMBER_TOKEN_RE, w)]
    return " ".join([w for w in words if not re.fullmatch(NUMBER_TOKEN_RE, w)] + numbers) or None


def street_key_steps(src: str, out: str) -> Steps:
    """Column steps computing `street_key(src)` into column `out`."""
    dropped = ", ".join(q(w) for w in DROPPED_WORDS)
    number = q(NUMBER_TOKEN_RE)
    return [
        (f"{out}_text", f"regexp_replace(regexp_replace(regexp_replace(regexp_replace("
                        f"replace(lower(translate({src}, {q(EXOTIC_SPACES)}, "
                        f"{q(' ' * len(EXOTIC_SPACES))})), 'ё', 'е'), "
                        f"{q(PUNCTUATION_RE)}, ' ', 'g'), {q(ORDINAL_SUFFIX_RE)}, '\\1\\3', 'g'), "
                        f"{q(DASHES_RE)}, ' ', 'g'), {q(SPACES_RE)}, ' ', 'g')"),
        (f"{out}_tokens", f"list_filter(string_split(trim({out}_text, ' '), ' '), "
                          f"lambda w: w <> '' AND w NOT IN ({dropped}))"),
        (f"{out}_words", f"list_transform({out}_tokens, lambda t: list_transform([upper(t)], lambda u: "
                         f"coalesce(CAST(({roman_value_sql('u')}) AS VARCHAR), t))[1])"),
        (out, f"nullif(array_to_string(list_filter({out}_words, lambda w: NOT regexp_full_match(w, {number})) "
              f"|| list_filter({out}_words, lambda w: regexp_full_match(w, {number})), ' '), '')"),
    ]


def sql_macros() -> list[str]:
    return [scalar_macro("street_key", "name_text", street_key_steps("name_text_", "street_key"))]
