"""Names of landing files and zip members: decoding (UTF-8 / cp866 / cp1251) and path safety.

Russian archives are usually made by Windows tools that write names in the OEM code page (cp866)
without the UTF-8 flag (bit 0x800); Python then decodes them as cp437 and Cyrillic comes out as
mojibake. We recover the raw bytes and decode them ourselves.
"""

from __future__ import annotations

import os
import struct
import unicodedata
import zlib
import zipfile

_UTF8_FLAG = 0x800
_UNICODE_PATH_EXTRA = 0x7075  # Info-ZIP "Unicode Path" extra field
# cp866 decodes cp1251 Cyrillic bytes (0xB0-0xDF) as box-drawing characters; seeing them means
# the archiver used the ANSI code page instead.
_BOX_DRAWING = range(0x2500, 0x25A0)

# macOS Finder leaves resource forks and folder metadata in archives and on disk.
_JUNK_DIRS = frozenset({"__MACOSX"})
_JUNK_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


def decode_member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it."""
    if info.flag_bits & _UTF8_FLAG or info.filename.isascii():
        return info.filename
    raw = info.orig_filename.encode("cp437")
    unicode_path = _unicode_path_extra(info.extra, raw)
    if unicode_path is not None:
        return unicode_path
    return decode_legacy_name(raw)


def decode_legacy_name(raw: bytes) -> str:
    """Bytes of a name without the UTF-8 flag: UTF-8 if valid, else cp866, else cp1251."""
    if raw.isascii():
        return raw.decode("ascii")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    oem = raw.decode("cp866")
    if any(ord(ch) in _BOX_DRAWING for ch in oem):
        try:
            return raw.decode("cp1251")
        except UnicodeDecodeError:
            pass
    return oem


def disk_name(name: str) -> str:
    """A file name from the file system as text: NFC, and names that are not valid UTF-8 (copied
    from a Windows share as cp1251/cp866 bytes) decoded like legacy zip names."""
    if any("\udc80" <= ch <= "\udcff" for ch in name):
        name = decode_legacy_name(os.fsencode(name))
    return unicodedata.normalize("NFC", name)


def _unicode_path_extra(extra: bytes, raw_name: bytes) -> str | None:
    """The UTF-8 name from an Info-ZIP 0x7075 field, if present and made for this very name."""
    pos = 0
    while pos + 4 <= len(extra):
        field_id, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if field_id != _UNICODE_PATH_EXTRA or len(body) < 5 or body[0] != 1:
            continue
        (name_crc,) = struct.unpack_from("<I", body, 1)
        if name_crc != zlib.crc32(raw_name):
            return None  # the name was changed after the field was written: the field is stale
        try:
            return body[5:].decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def safe_member_path(name: str) -> str | None:
    """The member's POSIX path inside its archive (NFC), or None when it would escape the archive.

    Absolute paths, drive letters and `..` components are refused outright (never rewritten), so
    a hostile name can never address anything outside the archive's own namespace. macOS writes
    decomposed (NFD) Cyrillic «й»; NFC makes the name equal to what a user types.
    """
    path = unicodedata.normalize("NFC", name).replace("\\", "/")
    if path.startswith("/") or (len(path) >= 2 and path[1] == ":" and path[0].isalpha()):
        return None
    parts = path.split("/")
    if "" not in parts and "." not in parts and ".." not in parts and "\x00" not in path:
        return path  # the usual case: the name as it is (no new string per member)
    parts = [p for p in parts if p not in ("", ".")]
    if not parts or ".." in parts or "\x00" in path:
        return None
    return "/".join(parts)


def is_junk(path: str) -> bool:
    """macOS/Windows housekeeping files that carry no data: `__MACOSX/…`, `._x`, `.DS_Store`."""
    parts = path.split("/")
    if any(p in _JUNK_DIRS for p in parts[:-1]) or parts[-1] in _JUNK_DIRS:
        return True
    last = parts[-1]
    return last in _JUNK_FILES or last.startswith("._")


def printable(name: str) -> str:
    """A member name fit for a report line: control characters shown as `?`."""
    return "".join(ch if ch.isprintable() else "?" for ch in name)
