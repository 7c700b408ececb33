"""Finding every file under a landing directory: loose, in sub-folders, inside (nested) zips.

Nothing is ever extracted to disk. Members are listed from the archive's central directory and read
only when `LandingFile.read()` is called, so a zip of a million small extracts does not sit in
memory. Hostile input (path traversal, zip bombs, truncated archives, symlinks out of the landing
directory) becomes a `LandingProblem` with a short Russian reason, and the walk goes on.
"""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator

from transforms.landing.members import (
    ZIP_ERRORS,
    ArchiveSource,
    DiskArchive,
    LastRead,
    MemoryArchive,
    read_head,
    read_member,
    why,
)
from transforms.landing.zipnames import (
    decode_member_name,
    disk_name,
    is_junk,
    printable,
    safe_member_path,
)

# Local file header, empty-archive end record, spanned-archive marker.
ZIP_MAGIC = frozenset({b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"})
_MIN_ZIP_SIZE = 22  # an empty archive: just the end-of-central-directory record
# Members up to this size are read whole when their kind is sniffed, and the bytes are handed to
# the next read() of that member, so a small file is decompressed once, not twice.
_PREFETCH_LIMIT = 1 << 20
_SUPPORTED_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)


@dataclass(frozen=True)
class LandingFile:
    """One file to ingest. `source_file` is the POSIX path relative to the landing directory;
    inside archives `outer.zip/inner/path.xml`, nested `outer.zip/inner.zip/path.xml`."""

    source_file: str
    size: int
    read: Callable[[], bytes] = field(repr=False, compare=False)


@dataclass(frozen=True)
class LandingProblem:
    """Something under the landing directory that cannot be ingested, and why (in Russian)."""

    source_file: str
    reason: str


class LandingReadError(Exception):
    """`LandingFile.read()` failed (member data corrupt, file vanished); `reason` is in Russian."""

    def __init__(self, source_file: str, reason: str):
        super().__init__(f"{source_file}: {reason}")
        self.source_file = source_file
        self.reason = reason


@dataclass(frozen=True)
class ArchiveLimits:
    """Zip-bomb guards. Sizes are the uncompressed sizes declared in the central directory;
    zipfile never yields more than the declared size, so checking the declaration is enough."""

    max_member_size: int = 1 << 30
    max_ratio: float = 200.0
    ratio_floor: int = 1 << 20  # small members may compress extremely well and still be harmless
    max_nested_size: int = 256 << 20  # a nested zip is held in memory while its members are read
    max_depth: int = 4


DEFAULT_LIMITS = ArchiveLimits()


def file_sha256(data: bytes) -> str:
    """Hex sha256 of a file's content: the identity used to load the same content once."""
    return hashlib.sha256(data).hexdigest()


GROUND_TRUTH = ("truth",)  # the generator's top-level folder of answers: never read by a run


def iter_landing(
    landing_dir: Path | str,
    skip_top_level: Iterable[str] = GROUND_TRUTH,
    limits: ArchiveLimits = DEFAULT_LIMITS,
) -> Iterator[LandingFile | LandingProblem]:
    """Every file under `landing_dir` in a deterministic (sorted) order, or a problem in its place.

    Top-level folders named in `skip_top_level` (the generator's ground truth) are not entered.
    """
    root = os.path.realpath(landing_dir)
    if not os.path.isdir(root):
        raise NotADirectoryError(f"каталог приёма не найден: {landing_dir}")
    yield from _walk_dir(root, root, "", frozenset(skip_top_level), limits)


# ---------------------------------------------------------------------------------------------
# The directory tree


def _walk_dir(
    root: str, directory: str, prefix: str, skip: frozenset[str], limits: ArchiveLimits
) -> Iterator[LandingFile | LandingProblem]:
    try:
        with os.scandir(directory) as it:
            entries = sorted(((disk_name(e.name), e) for e in it), key=lambda t: t[0])
    except OSError as exc:
        yield LandingProblem(prefix.rstrip("/") or ".", f"каталог не читается: {exc.strerror}")
        return
    for name, entry in entries:
        rel = prefix + name
        if (not prefix and name in skip) or is_junk(name):
            continue
        try:
            if entry.is_symlink():
                yield from _symlink(root, entry.path, rel, limits)
            elif entry.is_dir(follow_symlinks=False):
                yield from _walk_dir(root, entry.path, rel + "/", skip, limits)
            elif entry.is_file(follow_symlinks=False):
                yield from _disk_file(entry.path, rel, limits)
            else:
                yield LandingProblem(rel, "не обычный файл (устройство, канал или сокет) — пропущен")
        except OSError as exc:
            yield LandingProblem(rel, f"файл не читается: {exc.strerror}")


def _symlink(
    root: str, path: str, rel: str, limits: ArchiveLimits
) -> Iterator[LandingFile | LandingProblem]:
    target = os.path.realpath(path)
    if os.path.commonpath([root, target]) != root:
        yield LandingProblem(rel, "символическая ссылка ведёт за пределы каталога приёма — пропущена")
    elif os.path.isdir(target):
        # Following links to folders inside the landing dir would list files twice or loop.
        yield LandingProblem(rel, "символическая ссылка на каталог — пропущена")
    elif os.path.isfile(target):
        yield from _disk_file(target, rel, limits)
    else:
        yield LandingProblem(rel, "битая символическая ссылка — пропущена")


def _disk_file(
    path: str, rel: str, limits: ArchiveLimits, part: int | None = None
) -> Iterator[LandingFile | LandingProblem]:
    try:
        size = os.stat(path).st_size
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError as exc:
        yield LandingProblem(rel, f"файл не читается: {exc.strerror}")
        return
    if head in ZIP_MAGIC:
        yield from _disk_archive(path, rel, size, limits, part)
    else:
        yield LandingFile(rel, size, partial(_read_disk, path, rel))


def _read_disk(path: str, rel: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise LandingReadError(rel, f"файл не читается: {exc.strerror}") from exc


def _disk_archive(
    path: str, rel: str, size: int, limits: ArchiveLimits, part: int | None = None
) -> Iterator[LandingFile | LandingProblem]:
    if part is not None:
        cached = _PARTED.get(_archive_key(path))
        if cached is not None:
            zf, source, listed = cached
            yield from _listed_entries(listed, rel, source, 1, limits, part)
            return
    try:
        zf = zipfile.ZipFile(path)
    except ZIP_ERRORS as exc:
        yield LandingProblem(rel, f"архив повреждён или обрезан: {why(exc)}")
        return
    if _is_office_document(zf):
        yield LandingFile(rel, size, partial(_read_disk, path, rel))
        return
    try:
        source = DiskArchive(path, zf)
    except OSError as exc:
        yield LandingProblem(rel, f"файл не читается: {exc.strerror}")
        return
    if part is None:
        yield from _archive_entries(zf, rel, source, 1, limits)
        return
    # A big archive is read in parts by several tasks; each process lists it once.
    listed = _list_members(zf)
    _PARTED.clear()
    _PARTED[_archive_key(path)] = (zf, source, listed)
    yield from _listed_entries(listed, rel, source, 1, limits, part)


# Archives with more members than this are split into several units of work.
MEMBERS_PER_UNIT = 5000
_PARTED: dict[tuple, tuple] = {}


def _archive_key(path: str) -> tuple:
    stat_ = os.stat(path)
    return (path, stat_.st_size, stat_.st_mtime_ns)


# ---------------------------------------------------------------------------------------------
# Archive members


def _list_members(zf: zipfile.ZipFile) -> list[tuple[str, int, zipfile.ZipInfo | None, str | None]]:
    """The archive's files, sorted by name: (path, seq, info or None when unsafe, problem)."""
    listed: list[tuple[str, int, zipfile.ZipInfo | None, str | None]] = []
    for seq, info in enumerate(zf.infolist()):
        name = decode_member_name(info)
        if name.endswith(("/", "\\")):
            continue  # a directory entry
        path = safe_member_path(name)
        if path is None:
            shown = printable(name)
            listed.append((shown, seq, None, f"небезопасный путь в архиве: {shown}"))
        elif not is_junk(path):
            listed.append((path, seq, info, None))
    listed.sort(key=itemgetter(0))  # stable: same names stay in archive order, side by side
    return listed


def _archive_entries(
    zf: zipfile.ZipFile, archive: str, source: ArchiveSource, depth: int, limits: ArchiveLimits
) -> Iterator[LandingFile | LandingProblem]:
    yield from _listed_entries(_list_members(zf), archive, source, depth, limits, None)


def _listed_entries(
    listed: list, archive: str, source: ArchiveSource, depth: int, limits: ArchiveLimits, part: int | None
) -> Iterator[LandingFile | LandingProblem]:
    if not listed:
        if not part:
            yield LandingProblem(archive, "пустой архив")
        return
    previous = None
    if part is not None:
        start = part * MEMBERS_PER_UNIT
        previous = listed[start - 1][0] if start > 0 else None
        listed = listed[start : start + MEMBERS_PER_UNIT]
    last = LastRead()
    for path, _, info, reason in listed:
        source_file = f"{archive}/{path}"
        if info is None:
            yield LandingProblem(source_file, reason or "")
        elif path == previous:
            yield LandingProblem(source_file, "имя повторяется в архиве — взят первый файл с этим именем")
        else:
            previous = path
            problem = _member_problem(info, limits)
            if problem:
                yield LandingProblem(source_file, problem)
            else:
                yield from _member(info, source_file, source, last, depth, limits)


def _member_problem(info: zipfile.ZipInfo, limits: ArchiveLimits) -> str | None:
    if info.flag_bits & 0x1:
        return "файл в архиве зашифрован"
    if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
        return "символическая ссылка в архиве — пропущена"
    if info.compress_type not in _SUPPORTED_METHODS:
        return f"неподдерживаемый метод сжатия в архиве: {info.compress_type}"
    if info.file_size > limits.max_member_size:
        return (
            f"файл в архиве слишком велик: {info.file_size} байт "
            f"(предел {limits.max_member_size}) — похоже на zip-бомбу"
        )
    if info.file_size > limits.ratio_floor:
        if info.compress_size == 0 or info.file_size / info.compress_size > limits.max_ratio:
            ratio = info.file_size / max(info.compress_size, 1)
            return f"подозрение на zip-бомбу: степень сжатия {ratio:.0f}:1 (предел {limits.max_ratio:.0f}:1)"
    return None


def _member(
    info: zipfile.ZipInfo,
    source_file: str,
    source: ArchiveSource,
    last: LastRead,
    depth: int,
    limits: ArchiveLimits,
) -> Iterator[LandingFile | LandingProblem]:
    # Kind is recognised from content, so a zip is a zip whatever its member name says.
    if info.file_size >= _MIN_ZIP_SIZE:
        small = info.file_size <= _PREFETCH_LIMIT
        try:
            head = read_member(source, info) if small else read_head(source, info, 4)
        except ZIP_ERRORS as exc:
            yield LandingProblem(source_file, f"файл в архиве повреждён: {why(exc)}")
            return
        if head[:4] in ZIP_MAGIC:
            yield from _nested_archive(info, source_file, source, head if small else None, depth, limits)
            return
        if small:
            last.item = (info, head)
    yield LandingFile(source_file, info.file_size, partial(_read_member, source, info, source_file, last))


def _nested_archive(
    info: zipfile.ZipInfo,
    source_file: str,
    source: ArchiveSource,
    data: bytes | None,
    depth: int,
    limits: ArchiveLimits,
) -> Iterator[LandingFile | LandingProblem]:
    if depth >= limits.max_depth:
        yield LandingProblem(source_file, f"слишком глубокая вложенность архивов (больше {limits.max_depth})")
        return
    if info.file_size > limits.max_nested_size:
        yield LandingProblem(
            source_file,
            f"вложенный архив слишком велик: {info.file_size} байт (предел {limits.max_nested_size})",
        )
        return
    try:
        inner = MemoryArchive(data if data is not None else read_member(source, info))
    except ZIP_ERRORS as exc:
        yield LandingProblem(source_file, f"архив повреждён или обрезан: {why(exc)}")
        return
    if _is_office_document(inner.zip()):
        # An xlsx/ods inside a zip is a file to parse, not a folder to walk.
        reader = partial(_read_member, source, info, source_file, LastRead())
        yield LandingFile(source_file, info.file_size, reader)
        return
    yield from _archive_entries(inner.zip(), source_file, inner, depth + 1, limits)


def _read_member(source: ArchiveSource, info: zipfile.ZipInfo, source_file: str, last: LastRead) -> bytes:
    data = last.take(info)
    if data is not None:
        return data
    try:
        return read_member(source, info)
    except ZIP_ERRORS as exc:
        raise LandingReadError(source_file, f"файл в архиве повреждён: {why(exc)}") from exc


def _is_office_document(zf: zipfile.ZipFile) -> bool:
    """OOXML (xlsx, docx) and ODF (ods) files are zips too; they are data, not folders."""
    names = zf.NameToInfo
    return "[Content_Types].xml" in names or ("mimetype" in names and "META-INF/manifest.xml" in names)


# ---------------------------------------------------------------------------------------------
# Units of work: one file on disk (loose, or an archive with everything inside it)


def landing_entries(landing_dir: Path | str,
                    skip_top_level: Iterable[str] = GROUND_TRUTH) -> Iterator[tuple[str, os.DirEntry | None]]:
    """The files on disk under `landing_dir`, lazily, in walk order: (relative POSIX path, entry).

    Junk names and the top-level folders in `skip_top_level` are not entered; a symlink is one entry, never
    followed; a folder that cannot be listed is one entry with `None` (reported as a problem when read).
    """
    root = os.path.realpath(landing_dir)
    if not os.path.isdir(root):
        raise NotADirectoryError(f"каталог приёма не найден: {landing_dir}")
    skip = frozenset(skip_top_level)

    def walk(directory: str, prefix: str) -> Iterator[tuple[str, os.DirEntry | None]]:
        try:
            with os.scandir(directory) as it:
                entries = sorted(((disk_name(e.name), e) for e in it), key=lambda t: t[0])
        except OSError:
            yield prefix.rstrip("/") or ".", None
            return
        for name, entry in entries:
            rel = prefix + name
            if (not prefix and name in skip) or is_junk(name):
                continue
            if not entry.is_symlink() and entry.is_dir(follow_symlinks=False):
                yield from walk(entry.path, rel + "/")
            else:
                yield rel, entry

    yield from walk(root, "")


def landing_units(landing_dir: Path | str, skip_top_level: Iterable[str] = GROUND_TRUTH) -> list[str]:
    """The units under `landing_dir`, as relative POSIX paths in walk order.

    A unit is what one worker reads: a loose file, or an archive with all its members.
    `iter_landing_unit` over every unit yields exactly what `iter_landing` yields.
    """
    units: list[str] = []
    for rel, entry in landing_entries(landing_dir, skip_top_level):
        if entry is None or entry.is_symlink():
            units.append(rel)  # one unit, never split: it is checked (and reported once) when read
        else:
            units.extend(_parts_of(entry.path, rel))
    return units


PART_SEPARATOR = "::part="


def _parts_of(path: str, rel: str) -> list[str]:
    """One unit per file, except archives too big for one task: those are split by member count."""
    try:
        with open(path, "rb") as f:
            if f.read(4) not in ZIP_MAGIC:
                return [rel]
        with zipfile.ZipFile(path) as zf:
            if _is_office_document(zf):
                return [rel]
            members = sum(1 for info in zf.infolist() if not info.filename.endswith(("/", "\\")))
    except (OSError, *ZIP_ERRORS):
        return [rel]  # the problem is reported when the unit is read
    if members <= MEMBERS_PER_UNIT:
        return [rel]
    return [f"{rel}{PART_SEPARATOR}{k}" for k in range((members + MEMBERS_PER_UNIT - 1) // MEMBERS_PER_UNIT)]


def iter_landing_unit(
    landing_dir: Path | str, unit: str, limits: ArchiveLimits = DEFAULT_LIMITS
) -> Iterator[LandingFile | LandingProblem]:
    """Everything one unit holds (see `landing_units`), with problems in place of unreadable parts."""
    root = os.path.realpath(landing_dir)
    part = None
    if PART_SEPARATOR in unit:
        unit, _, number = unit.rpartition(PART_SEPARATOR)
        part = int(number)
    path = os.path.join(root, *unit.split("/"))
    try:
        if os.path.islink(path):
            yield from _symlink(root, path, unit, limits)
        elif os.path.isdir(path):
            yield from _walk_dir(root, path, unit + "/", frozenset(), limits)
        elif os.path.isfile(path):
            yield from _disk_file(path, unit, limits, part)
        elif os.path.exists(path):
            yield LandingProblem(unit, "не обычный файл (устройство, канал или сокет) — пропущен")
        else:
            yield LandingProblem(unit, "файл исчез во время приёма")
    except OSError as exc:
        yield LandingProblem(unit, f"файл не читается: {exc.strerror}")
