"""Tolerant matching of the Russian column headers of GIS ZhKKh templates.

Real templates differ in case, ё/е, line breaks, repeated spaces, a trailing `*`, Latin look-alike
letters and long instruction tails ("… Обязательно для заполнения, если …"). A header may span up to
four rows: group headers above sub-headers, where a group cell stands only above the first column
of its span. Several columns may share a sub-header text under different group headers.

The kind of a sheet is only ever one whose signature columns (headers no other template has) are
present, so a template that lacks a required column is reported as that kind, never read as another.
A required header given twice is reported (`HeaderMatch.duplicates`); spreadsheet.py compares the copies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from transforms.parse.specs import Column, SheetSpec

HEADER_SEARCH_ROWS = 20
MAX_HEADER_DEPTH = 4

# Latin letters that look like Cyrillic ones; folded so "c учетом" (Latin c) equals "с учетом".
_LOOKALIKES = str.maketrans("aceopxyktmhbABCEHKMOPTXY", "асеорхуктмнвАВСЕНКМОРТХУ")
_SPACES = re.compile(r"\s+")
# Characters allowed right after an accepted header text when the template adds a tail to it.
_TAIL_BOUNDARY = re.compile(r"^[\s.,;:(/]")


def normalise_header(text: object) -> str:
    """The comparable form of a header cell: lower case, ё→е, one space, no trailing `*`."""
    if text is None:
        return ""
    s = str(text).translate(_LOOKALIKES).lower().replace("ё", "е")
    s = _SPACES.sub(" ", s).strip()
    s = s.rstrip("*").strip()
    return s


@lru_cache(maxsize=16384)
def _matching_prefixes(header: str) -> tuple[tuple[str, int], ...]:
    """Every accepted-text candidate inside a header cell with its score.

    The whole text scores highest; a prefix ending where an instruction tail begins scores its
    length, so the longest accepted text wins ("Количество этажей, наименьшее" over "Количество этажей").
    """
    if not header:
        return ()
    found = [(header, 10_000 + len(header))]
    for i in range(1, len(header)):
        if _TAIL_BOUNDARY.match(header[i:]) and header[i - 1] != " ":
            found.append((header[:i].rstrip("*").strip(), i))
    return tuple(found)


@dataclass(frozen=True)
class HeaderCell:
    """One physical column of a header block: its leaf text and the group texts above it."""

    index: int
    leaf: str
    groups: tuple[str, ...]


def header_cells(rows: Sequence[Sequence[object]], normalised: bool = False) -> list[HeaderCell]:
    """Reads a header block (1–4 rows) into leaf + group paths, spreading group cells to the right."""
    width = max((len(r) for r in rows), default=0)
    if normalised:
        grid = [list(r) + [""] * (width - len(r)) for r in rows]
    else:
        grid = [[normalise_header(r[i]) if i < len(r) else "" for i in range(width)] for r in rows]
    # A group cell covers the columns to its right until the next non-empty cell in the same row,
    # but only columns that have a sub-header of their own below it.
    filled = [row[:] for row in grid]
    for depth, row in enumerate(grid[:-1]):
        current = ""
        for i, text in enumerate(row):
            if text:
                current = text
            elif current and any(grid[d][i] for d in range(depth + 1, len(grid))):
                filled[depth][i] = current
            else:
                current = ""
    cells = []
    for i in range(width):
        column = [filled[d][i] for d in range(len(grid))]
        texts = [t for t in column if t]
        if not texts:
            continue
        leaf = next(grid[d][i] for d in range(len(grid) - 1, -1, -1) if grid[d][i])
        groups = tuple(t for t in texts[:-1])
        cells.append(HeaderCell(index=i, leaf=leaf, groups=groups))
    return cells


class _AliasIndex:
    """Accepted header texts of a set of specs, looked up by exact text.

    `signature[kind]` holds the kind's signature columns: those none of whose accepted texts any other
    kind accepts («Номер помещения» is in four templates, «Общая площадь здания» only in the houses one).
    """

    def __init__(self, specs: Sequence["SheetSpec"]):
        self.leaves: dict[str, list[tuple[str, "Column"]]] = {}
        for spec in specs:
            for column in spec.columns:
                for alias in column.normalised_headers:
                    self.leaves.setdefault(alias, []).append((spec.kind, column))
        self.signature: dict[str, frozenset[str]] = {
            spec.kind: frozenset(
                column.name for column in spec.columns
                if all({kind for kind, _ in self.leaves[alias]} == {spec.kind} for alias in column.normalised_headers)
            )
            for spec in specs
        }

    def candidates(self, cell: HeaderCell) -> list[tuple[int, str, "Column"]]:
        """(score, kind, column) for every spec column this cell may hold."""
        out = []
        for text, score in _matching_prefixes(cell.leaf):
            for kind, column in self.leaves.get(text, ()):
                if column.group is not None:
                    group_score = _group_score(column, cell.groups)
                    if not group_score:
                        continue
                    score_total = score + group_score
                else:
                    score_total = score
                out.append((score_total, kind, column))
        return out

    def owned_candidates(self, cell: HeaderCell) -> list[tuple[int, str, "Column"]]:
        """The candidates of the kinds that accept the cell's longest text.

        «Адрес МКД, в котором расположено жилое помещение» is a whole accepted text of the premises
        template and only begins with the houses template's «Адрес»: it is not a houses column.
        """
        found = self.candidates(cell)
        best: dict[str, int] = {}
        for score, kind, _ in found:
            best[kind] = max(best.get(kind, 0), score)
        top = max(best.values(), default=0)
        return [c for c in found if best[c[1]] == top]


def _group_score(column: "Column", groups: tuple[str, ...]) -> int:
    best = 0
    for group in groups:
        for text, score in _matching_prefixes(group):
            if text in column.normalised_groups:
                best = max(best, score)
    return best


@lru_cache(maxsize=64)
def _index_for(specs: tuple) -> _AliasIndex:
    return _AliasIndex(specs)


@dataclass(frozen=True)
class HeaderMatch:
    spec: "SheetSpec"
    header_row: int  # 0-based index of the first header row
    depth: int
    columns: dict[str, int]  # canonical column name -> 0-based physical column index
    missing_required: tuple[str, ...]
    # Required columns whose header text stands twice: canonical name -> the other physical indices.
    duplicates: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @property
    def data_start(self) -> int:
        return self.header_row + self.depth

    @property
    def ok(self) -> bool:
        return not self.missing_required


def match_columns(
    spec: "SheetSpec", cells: Sequence[HeaderCell], index: _AliasIndex | None = None
) -> dict[str, int]:
    """Assigns physical columns to spec columns, best score first, each used once."""
    index = index or _index_for((spec,))
    candidates = [
        (score, column.name, cell.index)
        for cell in cells
        for score, kind, column in index.candidates(cell)
        if kind == spec.kind
    ]
    return _assign(candidates)


def _assign(candidates: list[tuple[int, str, int]]) -> dict[str, int]:
    candidates.sort(key=lambda c: (-c[0], c[2]))
    assigned: dict[str, int] = {}
    used: set[int] = set()
    for _, name, index in candidates:
        if name not in assigned and index not in used:
            assigned[name] = index
            used.add(index)
    return assigned


def find_header(
    rows: Sequence[Sequence[object]], specs: Sequence["SheetSpec"], sheet_name: str | None = None
) -> HeaderMatch | None:
    """Finds the header block and the sheet kind within the first rows, from content alone.

    A header cell counts only for the kinds that accept its longest text, and a kind is a candidate
    only when at least one of its signature columns is present: a premises sheet without «Номер
    помещения» is never taken for a houses sheet because its address header begins with «Адрес».
    Among candidates, a complete set of required columns wins over an incomplete one, then the most
    columns; on a tie the sheet-name hint, then the shallower and earlier block wins.
    Returns a match with `missing_required` set when the sheet is clearly of a kind but lacks a
    required column, and None when nothing looks like a known template.
    """
    index = _index_for(tuple(specs))
    by_kind = {spec.kind: spec for spec in specs}
    # Normalised once: the same cells take part in many candidate blocks.
    rows = [[normalise_header(v) for v in row] for row in rows[: HEADER_SEARCH_ROWS + MAX_HEADER_DEPTH]]
    best: tuple | None = None
    hint = normalise_header(sheet_name) if sheet_name else ""
    for start in range(min(HEADER_SEARCH_ROWS, len(rows))):
        if _filled(rows[start]) < 2:  # blank rows and titles do not start a header
            continue
        for depth in range(1, MAX_HEADER_DEPTH + 1):
            block = rows[start : start + depth]
            if len(block) < depth or not _filled(block[-1]):
                break
            per_kind: dict[str, list[tuple[int, str, int]]] = {}
            for cell in header_cells(block, normalised=True):
                for score, kind, column in index.owned_candidates(cell):
                    per_kind.setdefault(kind, []).append((score, column.name, cell.index))
            for kind, candidates in per_kind.items():
                spec = by_kind[kind]
                assigned = _assign(candidates)
                if len(assigned) < spec.min_columns_to_recognise or not index.signature[kind] & assigned.keys():
                    continue
                missing = tuple(c.name for c in spec.columns if c.required and c.name not in assigned)
                named = hint in spec.normalised_sheet_names
                key = (not missing, len(assigned), named, -depth, -start)
                if best is None or key > best[0]:
                    best = (key, HeaderMatch(spec, start, depth, assigned, missing))
    if best is None:
        return None
    match = best[1]
    cells = header_cells(rows[match.header_row : match.data_start], normalised=True)
    duplicates = _duplicate_required(match.spec, cells, match.columns)
    return HeaderMatch(match.spec, match.header_row, match.depth, match.columns, match.missing_required, duplicates)


def _accepted_text(column: "Column", cell: HeaderCell) -> str | None:
    """The longest accepted text of `column` that the cell holds (under the right group), if any."""
    if column.group is not None and not _group_score(column, cell.groups):
        return None
    texts = [(score, text) for text, score in _matching_prefixes(cell.leaf) if text in column.normalised_headers]
    return max(texts)[1] if texts else None


def _duplicate_required(
    spec: "SheetSpec", cells: Sequence[HeaderCell], assigned: dict[str, int]
) -> dict[str, tuple[int, ...]]:
    """Unassigned columns that repeat the accepted header text of an assigned required column."""
    used = set(assigned.values())
    by_index = {cell.index: cell for cell in cells}
    duplicates = {}
    for column in spec.columns:
        if not column.required or column.name not in assigned:
            continue
        text = _accepted_text(column, by_index[assigned[column.name]])
        others = tuple(
            cell.index for cell in cells if cell.index not in used and _accepted_text(column, cell) == text
        )
        if others:
            duplicates[column.name] = others
    return duplicates


def _filled(row: Sequence[object]) -> int:
    return sum(1 for v in row if v is not None and str(v).strip())
