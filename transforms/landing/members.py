"""Reading zip members: handles to their archives (on disk or in memory) and a fast read path.

`zipfile.ZipFile.open()` costs tens of microseconds of Python per member. Most EGRN packages hold
thousands of small stored/deflated extracts, so those are read with one positional read and one
zlib call, checked against the declared size and CRC; anything else (bzip2, lzma, no `os.pread`)
goes through zipfile.
"""

from __future__ import annotations

import io
import os
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict

ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    UnicodeDecodeError,
)
_LOCAL_HEADER_SIZE = 30
_LOCAL_HEADER_MAGIC = b"PK\x03\x04"
_FAST_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_HAS_PREAD = hasattr(os, "pread")


class ArchiveSource:
    """Where an archive's bytes live; `zip()` for zipfile reads, `pread()` for the fast path."""

    def zip(self) -> zipfile.ZipFile:
        raise NotImplementedError

    def pread(self, size: int, offset: int) -> bytes | None:
        return None  # no positional reads: use zipfile


class MemoryArchive(ArchiveSource):
    """A nested archive, held in memory while any of its members may still be read."""

    def __init__(self, data: bytes):
        self._data = data
        self._zip = zipfile.ZipFile(io.BytesIO(data))

    def zip(self) -> zipfile.ZipFile:
        return self._zip

    def pread(self, size: int, offset: int) -> bytes | None:
        return self._data[offset : offset + size]


class DiskArchive(ArchiveSource):
    """An archive on disk; its open handles live in a small shared cache (see `_OpenArchives`)."""

    def __init__(self, path: str, zf: zipfile.ZipFile | None = None):
        self.path = path
        if zf is not None:
            _OPEN.put(path, _Handles(zf, path))

    def zip(self) -> zipfile.ZipFile:
        return _OPEN.get(self.path).zf

    def pread(self, size: int, offset: int) -> bytes | None:
        if not _HAS_PREAD:
            return None
        handles = _OPEN.get(self.path)  # held while reading: its descriptor cannot close under us
        return os.pread(handles.fd, size, offset)


class _Handles:
    """A ZipFile and a raw descriptor for positional reads. The descriptor closes when the last
    user lets go (never under a read in another thread); the ZipFile closes itself the same way."""

    __slots__ = ("path", "fd", "_zf", "_lock")

    def __init__(self, zf: zipfile.ZipFile | None, path: str):
        self.path = path
        self.fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        self._zf = zf
        self._lock = threading.Lock()

    @property
    def zf(self) -> zipfile.ZipFile:
        # Opened only when needed: the fast path reads by offset, and re-reading the central
        # directory of a million-member archive just to reopen it would cost seconds.
        with self._lock:
            if self._zf is None:
                self._zf = zipfile.ZipFile(self.path)
            return self._zf

    def __del__(self) -> None:
        try:
            os.close(self.fd)
        except (OSError, AttributeError):
            pass


class _OpenArchives:
    """A few on-disk archives kept open, so reading a million members does not reopen (and re-read
    the central directory of) an archive a million times. Eviction only drops the reference."""

    def __init__(self, size: int = 8):
        self._size = size
        self._lock = threading.Lock()
        self._open: OrderedDict[str, _Handles] = OrderedDict()

    def get(self, path: str) -> _Handles:
        with self._lock:
            handles = self._open.get(path)
            if handles is not None:
                self._open.move_to_end(path)
                return handles
        handles = _Handles(None, path)
        self.put(path, handles)
        return handles

    def put(self, path: str, handles: _Handles) -> None:
        with self._lock:
            self._open[path] = handles
            self._open.move_to_end(path)
            while len(self._open) > self._size:
                self._open.popitem(last=False)


_OPEN = _OpenArchives()


def read_member(source: ArchiveSource, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes; raises one of ZIP_ERRORS when the archive is damaged."""
    if info.compress_type in _FAST_METHODS and not info.flag_bits & 0x1:
        data = _read_fast(source, info)
        if data is not None:
            return data
    with source.zip().open(info) as member:
        return member.read()


def read_head(source: ArchiveSource, info: zipfile.ZipInfo, size: int) -> bytes:
    """The first `size` bytes of a (large) member, decompressing no more than needed."""
    with source.zip().open(info) as member:
        return member.read(size)


def _read_fast(source: ArchiveSource, info: zipfile.ZipInfo) -> bytes | None:
    header = source.pread(_LOCAL_HEADER_SIZE, info.header_offset)
    if header is None:
        return None
    if len(header) != _LOCAL_HEADER_SIZE or header[:4] != _LOCAL_HEADER_MAGIC:
        raise zipfile.BadZipFile("Bad magic number for file header")
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    raw = source.pread(info.compress_size, info.header_offset + _LOCAL_HEADER_SIZE + name_len + extra_len)
    if raw is None or len(raw) != info.compress_size:
        raise zipfile.BadZipFile("Truncated file data")
    if info.compress_type == zipfile.ZIP_DEFLATED:
        # Never more than the declared size (+1 to notice a lie): no bomb gets past this call.
        data = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)
    else:
        data = raw
    if len(data) != info.file_size:
        raise zipfile.BadZipFile("Size mismatch")
    if zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile("Bad CRC-32")
    return data


class LastRead:
    """The one member whose bytes were read while sniffing, kept until it is read or the walk
    moves on: the usual `for f in iter_landing(...): f.read()` decompresses each member once,
    while a caller that collects a million LandingFiles first holds at most one member's bytes."""

    __slots__ = ("item",)

    def __init__(self) -> None:
        self.item: tuple[zipfile.ZipInfo, bytes] | None = None

    def take(self, info: zipfile.ZipInfo) -> bytes | None:
        item = self.item  # one read of the slot: safe if the walk replaces it meanwhile
        if item is not None and item[0] is info:
            self.item = None
            return item[1]
        return None


_WHY = {
    "File is not a zip file": "не найден каталог архива",
    "Truncated central directory": "обрезан каталог архива",
    "Bad magic number for central directory": "испорчен каталог архива",
    "Truncated file header": "обрезан заголовок файла",
    "Bad magic number for file header": "испорчен заголовок файла",
    "Truncated file data": "данные файла обрезаны",
    "Size mismatch": "размер не совпадает с заявленным",
}


def why(exc: BaseException) -> str:
    """A short Russian explanation of a zip/zlib failure, keeping the technical detail."""
    text = str(exc)
    if text in _WHY:
        return _WHY[text]
    if text.startswith("Bad CRC-32"):
        return "не совпадает контрольная сумма CRC-32"
    if isinstance(exc, zlib.error):
        return f"ошибка распаковки ({text})"
    if isinstance(exc, EOFError):
        return "данные обрываются"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {text}"[:200]
