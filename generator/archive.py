"""Deterministic zip archives: fixed timestamps and permissions, members in the order they are added.

`Archive` writes the zip structures itself (local headers, central directory) with zlib doing the deflate:
Python's zipfile costs ~70 µs of bookkeeping per member, which dominates a million one-object extracts.
Archives hold < 65,535 members below 4 GiB, so no zip64 records are needed.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

ZIP_DATE = (2024, 12, 2, 9, 0, 0)


def member_info(name: str, date_time: tuple = ZIP_DATE, level: int = 6) -> zipfile.ZipInfo:
    """A zipfile member header with fixed time and permissions (for members streamed by zipfile)."""
    info = zipfile.ZipInfo(name, date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3                       # «Unix», whatever the host
    for attribute in ("_compresslevel", "compress_level"):   # the per-member level (3.11 / 3.13 names)
        if hasattr(info, attribute):
            setattr(info, attribute, level)
    return info


def _dos(date_time: tuple) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


class Archive:
    """A zip written to a path or to memory (for zips inside zips)."""

    def __init__(self, target: Path | None = None, date_time: tuple = ZIP_DATE, level: int = 1):
        if target is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.fh = open(target, "wb")
        else:
            self.fh = io.BytesIO()
        self.memory = target is None
        self.time, self.date = _dos(date_time)
        self.level = level
        self.central: list[bytes] = []
        self.offset = 0
        self.names: list[str] = []

    def add(self, name: str, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        packer = zlib.compressobj(self.level, zlib.DEFLATED, -15)
        packed = packer.compress(data) + packer.flush()
        crc = zlib.crc32(data)
        raw_name = name.encode("utf-8")
        flags = 0x800 if not name.isascii() else 0          # UTF-8 names (Cyrillic folders)
        local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, 8, self.time, self.date, crc, len(packed),
                            len(data), len(raw_name), 0)
        self.fh.write(local + raw_name)
        self.fh.write(packed)
        self.central.append(struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", (3 << 8) | 20, 20, flags, 8, self.time, self.date, crc, len(packed),
            len(data), len(raw_name), 0, 0, 0, 0, 0o644 << 16, self.offset) + raw_name)
        self.offset += len(local) + len(raw_name) + len(packed)
        self.names.append(name)

    def close(self) -> bytes | None:
        directory = b"".join(self.central)
        self.fh.write(directory)
        self.fh.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(self.central), len(self.central),
                                  len(directory), self.offset, 0))
        if self.memory:
            data = self.fh.getvalue()
            self.fh = None
            return data
        self.fh.close()
        self.fh = None
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.fh is not None:
            self.close()


class ContainerWriter:
    """Writes files into containers named like source paths: a folder («rosreestr»), a zip («a.zip») or a zip
    inside a zip («a.zip/b.zip»). Containers must be visited in sorted order: every chain is then contiguous,
    so inner zips are finished in memory and added to their parent before the parent closes."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.chain: list[tuple[str, Archive]] = []     # open archives, outermost first
        self.folder: str | None = None

    @staticmethod
    def _links(container: str) -> list[str]:
        parts = container.split(".zip/")
        links = [p + ".zip" for p in parts[:-1]]
        return links + ([parts[-1]] if parts[-1].endswith(".zip") else [])

    def switch(self, container: str) -> None:
        links = self._links(container)
        keep = 0
        while keep < min(len(links), len(self.chain)) and self.chain[keep][0] == links[keep]:
            keep += 1
        self._close_to(keep)
        self.folder = None if links else container
        for link in links[keep:]:
            target = self.out_dir / link if not self.chain else None
            self.chain.append((link, Archive(target)))

    def _close_to(self, depth: int) -> None:
        while len(self.chain) > depth:
            name, archive = self.chain.pop()
            data = archive.close()
            if self.chain:
                self.chain[-1][1].add(name, data)

    def add(self, member: str, data: bytes) -> None:
        if self.folder is not None:
            path = self.out_dir / self.folder / member
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        else:
            self.chain[-1][1].add(member, data)

    def close(self) -> None:
        self._close_to(0)
