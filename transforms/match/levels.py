"""Comparison levels for a candidate pair (GIS premise `g`, EGRN premise `e`): SQL and evidence written together.

Each level is a small object: `sql()` is one condition over the pair's columns, `reason()` a SQL expression
giving the evidence it contributes to `match_reason` in plain Russian («номер записан иначе (1Н = 1-Н)»,
«площадь близка: 54,2 и 54,3 м²»), and `weight`
its log2 Bayes factor for `match_score`. A `Comparison` is an ordered list of levels: the first level whose
condition holds is the pair's level (a CASE), so the evidence always comes from the rule that decided.

Columns a pair offers (built in warehouse/sql/reconciled/premise_candidates.sql):
    g.number_text, g.number_norm, g.number_key, g.kind, g.area, g.registry_cadastral_number
    e.number_text, e.number_norm, e.number_key, e.kind, e.area, e.cadastral_number
Tolerances are bound parameters ($area_exact, $area_tenth, $area_rounding, $area_close, $area_close_share).
"""

from __future__ import annotations

from dataclasses import dataclass

# Parameters the level SQL refers to; `reconcile` binds them on every query that uses the levels.
AREA_PARAMETERS = {
    "area_exact": 0.005,       # the same area (36.8 = 36.80)
    "area_tenth": 0.0501,      # GIS rounds the EGRN area (two decimals) to 0.1 m² …
    "area_rounding": 0.5001,   # … or to whole m² (the GIS value is then whole)
    "area_close": 1.6,         # passport-vs-EGRN drift after remeasurement (absolute, m²) …
    "area_close_share": 0.01,  # … or relative, for large non-residential premises
}


def _area_text(col: str) -> str:
    """54.2 → '54,2', 54.25 → '54,25', 54.0 → '54' (short, as people write areas in Russian)."""
    return area_ru(col)


def area_ru(col: str) -> str:
    """SQL: an area as people write it in Russian: 54.2 → '54,2', 54.25 → '54,25', 54.0 → '54'."""
    return (f"CASE WHEN {col} = round({col}) THEN CAST(CAST(round({col}) AS BIGINT) AS VARCHAR) "
            f"ELSE replace(CAST(round(CAST({col} AS DOUBLE), 2) AS VARCHAR), '.', ',') END")


@dataclass(frozen=True)
class Level:
    """One comparison level. `condition` and `label` are SQL over the pair (`g`, `e`)."""

    name: str
    condition: str
    label: str
    weight: float
    strong: bool = False  # evidence good enough for an unambiguous one-to-one match

    def sql(self) -> str:
        return self.condition

    def reason(self) -> str:
        return self.label


@dataclass(frozen=True)
class Comparison:
    """An ordered list of levels; the first level that holds is the pair's level."""

    name: str
    levels: tuple[Level, ...]

    def _case(self, value) -> str:
        whens = " ".join(f"WHEN {lvl.sql()} THEN {value(lvl)}" for lvl in self.levels)
        return f"CASE {whens} END"

    def level_sql(self) -> str:
        return self._case(lambda lvl: f"'{lvl.name}'")

    def reason_sql(self) -> str:
        return self._case(lambda lvl: lvl.reason())

    def weight_sql(self) -> str:
        return self._case(lambda lvl: repr(float(lvl.weight)))

    def level(self, name: str) -> Level:
        return next(lvl for lvl in self.levels if lvl.name == name)

    def strong_names(self) -> tuple[str, ...]:
        return tuple(lvl.name for lvl in self.levels if lvl.strong)


# --- premise number -------------------------------------------------------------------------------------

def number_unknown() -> Level:
    return Level("unknown", "g.number_key IS NULL OR e.number_key IS NULL", "'номер не указан'", 0.0)


def number_exact() -> Level:
    """The same number once case, spaces, `№`, leading zeros and the words around it are set aside (кв. 5 = 05)."""
    label = ("CASE WHEN g.number_text = e.number_text THEN 'номер ' || g.number_text || ' совпадает' "
             "ELSE 'номер совпадает (' || g.number_text || ' = ' || e.number_text || ')' END")
    return Level("exact", "g.number_norm = e.number_norm", label, 8.0, strong=True)


def number_format() -> Level:
    """The same number written differently: 1Н~1-Н~Н1, leading zeros (032), Roman numerals (IV~4), «кв. 5»."""
    return Level("format", "g.number_key = e.number_key",
                 "'номер записан иначе (' || g.number_text || ' = ' || e.number_text || ')'", 7.0, strong=True)


def number_fuzzy() -> Level:
    """One character apart, or one number inside the other (12~122, 12~112): a renumbering or a typo.
    Evidence for a person, never enough on its own."""
    condition = (
        "(levenshtein(g.number_key, e.number_key) = 1"
        " OR (abs(length(g.number_key) - length(e.number_key)) BETWEEN 1 AND 2"
        "     AND least(length(g.number_key), length(e.number_key)) >= 2"
        "     AND (starts_with(g.number_key, e.number_key) OR starts_with(e.number_key, g.number_key)"
        "          OR ends_with(g.number_key, e.number_key) OR ends_with(e.number_key, g.number_key))))"
    )
    return Level("fuzzy", condition,
                 "'номер похож (' || g.number_text || ' в ГИС ЖКХ, ' || e.number_text || ' в ЕГРН)'", 1.0)


def number_different() -> Level:
    return Level("different", "TRUE",
                 "'номер другой (' || g.number_text || ' в ГИС ЖКХ, ' || e.number_text || ' в ЕГРН)'", -6.0)


NUMBER = Comparison("number", (number_unknown(), number_exact(), number_format(), number_fuzzy(), number_different()))


# --- area -----------------------------------------------------------------------------------------------

def area_unknown() -> Level:
    return Level("unknown", "g.area IS NULL OR e.area IS NULL OR g.area <= 0 OR e.area <= 0",
                 "'площадь не указана'", 0.0)


def area_equal() -> Level:
    return Level("equal", "abs(g.area - e.area) <= $area_exact",
                 f"'площадь совпадает: ' || {_area_text('g.area')} || ' м²'", 3.0, strong=True)


def area_rounding() -> Level:
    """GIS wrote the EGRN area rounded to 0.1 m² or to whole metres."""
    condition = ("(abs(g.area - e.area) <= $area_tenth"
                 " OR (g.area = round(g.area) AND abs(g.area - e.area) <= $area_rounding))")
    return Level("rounding", condition,
                 f"'площадь совпадает с округлением: ' || {_area_text('g.area')} || ' и ' || {_area_text('e.area')}"
                 " || ' м²'", 2.5, strong=True)


def area_close() -> Level:
    """Passport and EGRN areas differ a little (remeasurement, balconies counted differently)."""
    condition = "abs(g.area - e.area) <= greatest($area_close, $area_close_share * e.area)"
    return Level("close", condition,
                 f"'площадь близка: ' || {_area_text('g.area')} || ' и ' || {_area_text('e.area')} || ' м²'",
                 1.5, strong=True)


def area_far() -> Level:
    return Level("far", "TRUE",
                 f"'площадь другая: ' || {_area_text('g.area')} || ' и ' || {_area_text('e.area')} || ' м²'", -5.0)


AREA = Comparison("area", (area_unknown(), area_equal(), area_rounding(), area_close(), area_far()))


# --- kind -----------------------------------------------------------------------------------------------

KIND_NAMES_RU = {
    "flat": "жилое", "nonres": "нежилое", "common": "общее имущество", "room_in_flat": "комната в квартире",
    "parking": "машино-место", "unknown": "вид не указан",
}


def _kind_ru(col: str) -> str:
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in KIND_NAMES_RU.items())
    return f"CASE {col} {cases} END"


def kind_same() -> Level:
    return Level("same", "g.kind = e.kind", "NULL", 1.0, strong=True)


def kind_related() -> Level:
    """Non-residential and common-property rooms: GIS marks «общее имущество» less reliably than EGRN."""
    return Level("related", "g.kind IN ('nonres', 'common') AND e.kind IN ('nonres', 'common')",
                 f"'вид помещения: ' || {_kind_ru('g.kind')} || ' в ГИС ЖКХ, ' || {_kind_ru('e.kind')} || ' в ЕГРН'",
                 -2.0)


def kind_unknown() -> Level:
    return Level("unknown", "e.kind = 'unknown'", "'вид помещения в ЕГРН не указан'", -1.0)


def kind_different() -> Level:
    return Level("different", "TRUE",
                 f"'другой вид помещения: ' || {_kind_ru('g.kind')} || ' в ГИС ЖКХ, ' || {_kind_ru('e.kind')}"
                 " || ' в ЕГРН'", -8.0)


KIND = Comparison("kind", (kind_same(), kind_related(), kind_unknown(), kind_different()))


# --- the number GIS ZhKKh already carries ----------------------------------------------------------------

def registry_same() -> Level:
    return Level("same", "g.registry_cadastral_number = e.cadastral_number", "NULL", 8.0)


def registry_other() -> Level:
    """GIS carries a number, and it is another one: weak evidence against (a neighbour's number is common)."""
    return Level("other", "g.registry_cadastral_number IS NOT NULL", "NULL", -1.0)


def registry_none() -> Level:
    return Level("none", "TRUE", "NULL", 0.0)


REGISTRY = Comparison("registry", (registry_same(), registry_other(), registry_none()))

COMPARISONS = (NUMBER, KIND, AREA, REGISTRY)

# log2 odds that two premises of one linked house, taken at random, are the same premise (~1 in 40).
PRIOR_WEIGHT = -5.3


def score_sql(weight_columns: list[str]) -> str:
    """match_score: the logistic of the prior plus the levels' weights (a Fellegi–Sunter posterior)."""
    total = " + ".join([repr(PRIOR_WEIGHT), *weight_columns])
    return f"round(1.0 / (1.0 + pow(2.0, -({total}))), 4)"
