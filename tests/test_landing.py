"""Landing walk: loose files, folders, (nested) zips, hostile archives — reported, never fatal."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from transforms.landing import (
    ArchiveLimits,
    LandingFile,
    LandingProblem,
    LandingReadError,
    file_sha256,
    iter_landing,
)

CONFORMANCE = Path(__file__).parent / "fixtures" / "conformance" / "landing" / "rosreestr"
EXTRACT = (CONFORMANCE / "66_41_0365230_308.xml").read_bytes()


def walk(root: Path, **kwargs) -> tuple[dict[str, LandingFile], dict[str, str]]:
    files: dict[str, LandingFile] = {}
    problems: dict[str, str] = {}
    for item in iter_landing(root, **kwargs):
        if isinstance(item, LandingFile):
            assert item.source_file not in files
            files[item.source_file] = item
        else:
            assert isinstance(item, LandingProblem)
            problems[item.source_file] = item.reason
    return files, problems


def make_zip(members: list[tuple[str | zipfile.ZipInfo, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def rename_raw(archive: bytes, placeholder: str, raw_name: bytes) -> bytes:
    """Give a member a raw (non-UTF-8-flagged) name, as Windows archivers write it."""
    assert len(placeholder) == len(raw_name) and placeholder.isascii()
    assert archive.count(placeholder.encode()) == 2  # local header + central directory
    return archive.replace(placeholder.encode(), raw_name)


# --- the conformance sample ----------------------------------------------------------------------


def test_conformance_rosreestr_landing():
    files, problems = walk(CONFORMANCE)
    assert problems == {"archive_2017/kpoks_2017.zip": "пустой архив"}
    assert len(files) == 3 + 75  # every member of the zip
    names = list(files)
    assert names[:3] == [
        "66_41_0365230_308.xml",
        "archive_2017/kpoks_66_41_0122691_70.xml",
        "report-66_41_0126552_759.xml",
    ]
    zipped = [n for n in names if n.startswith("vypiski_egrn_2024-11_01.zip/")]
    assert zipped == sorted(zipped)
    assert "vypiski_egrn_2024-11_01.zip/Выписки ЕГРН/66_41_0122691/Выписка_66-41-0122691-57.xml" in files
    assert "vypiski_egrn_2024-11_01.zip/partiya_1/dom_4/report-66_41_0122691_62.xml" in files
    assert "vypiski_egrn_2024-11_01.zip/partiya_1/dom_4/66_41_0122691_81.xml.sig" in files

    member = files["vypiski_egrn_2024-11_01.zip/partiya_1/report-66_41_0365230_300.xml"]
    with zipfile.ZipFile(CONFORMANCE / "vypiski_egrn_2024-11_01.zip") as zf:
        expected = zf.read("partiya_1/report-66_41_0365230_300.xml")
    assert member.size == len(expected) == 4522
    assert member.read() == expected and member.read() == expected  # readable again
    assert file_sha256(member.read()) == hashlib.sha256(expected).hexdigest()
    assert files["66_41_0365230_308.xml"].read() == EXTRACT

    # Deterministic: the same walk gives the same sequence, problems in their sorted place.
    order = [i.source_file for i in iter_landing(CONFORMANCE)]
    assert order == [i.source_file for i in iter_landing(CONFORMANCE)]
    assert order[:4] == [names[0], "archive_2017/kpoks_2017.zip", names[1], names[2]]


# --- folders and the file system ----------------------------------------------------------------


def test_folders_truth_junk_and_order(tmp_path: Path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.xml").write_bytes(b"<z/>")
    (tmp_path / "b" / "a.csv").write_bytes(b"a;b\n")
    (tmp_path / "truth").mkdir()
    (tmp_path / "truth" / "answers.csv").write_bytes(b"secret")
    (tmp_path / "b" / "truth").mkdir()
    (tmp_path / "b" / "truth" / "kept.csv").write_bytes(b"kept")
    (tmp_path / "__MACOSX").mkdir()
    (tmp_path / "__MACOSX" / "._a.xml").write_bytes(b"\x00\x05\x16\x07")
    (tmp_path / ".DS_Store").write_bytes(b"junk")
    (tmp_path / "a.xml").write_bytes(b"<a/>")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "fake.zip").write_bytes(b"not a zip, just text")  # the name does not make an archive

    files, problems = walk(tmp_path)
    assert list(files) == ["a.xml", "b/a.csv", "b/truth/kept.csv", "b/z.xml", "empty.csv", "fake.zip"]
    assert problems == {}
    assert files["fake.zip"].read() == b"not a zip, just text"
    assert (files["empty.csv"].size, files["empty.csv"].read()) == (0, b"")
    assert [i.source_file for i in iter_landing(tmp_path, skip_top_level=())][-1] == "truth/answers.csv"


def test_symlinks_and_special_files(tmp_path: Path):
    landing = tmp_path / "landing"
    (landing / "dir").mkdir(parents=True)
    (landing / "dir" / "real.xml").write_bytes(b"<real/>")
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"/etc/shadow-like secret")
    os.symlink(outside, landing / "escape.xml")
    os.symlink(landing / "dir" / "real.xml", landing / "alias.xml")
    os.symlink(landing / "dir", landing / "dirlink")
    os.symlink(landing / "missing.xml", landing / "broken.xml")
    os.mkfifo(landing / "pipe.xml")  # reading it would block the walk forever

    files, problems = walk(landing)
    assert list(files) == ["alias.xml", "dir/real.xml"]
    assert files["alias.xml"].read() == b"<real/>"
    assert problems["escape.xml"].startswith("символическая ссылка ведёт за пределы каталога приёма")
    assert problems["dirlink"].startswith("символическая ссылка на каталог")
    assert problems["broken.xml"].startswith("битая символическая ссылка")
    assert problems["pipe.xml"].startswith("не обычный файл")


def test_missing_landing_dir_is_an_error(tmp_path: Path):
    with pytest.raises(NotADirectoryError):
        list(iter_landing(tmp_path / "nope"))


# --- archives ----------------------------------------------------------------------------------


def test_truncated_and_empty_archives_are_one_problem_each(tmp_path: Path):
    good = make_zip([("x.xml", EXTRACT), ("y.xml", EXTRACT + b"<!-- y -->")])
    (tmp_path / "a_truncated.zip").write_bytes(good[: len(good) // 2])
    (tmp_path / "b_empty.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    (tmp_path / "c_header_only.dat").write_bytes(b"PK\x03\x04garbage")
    (tmp_path / "d_good.zip").write_bytes(good)
    (tmp_path / "e_dirs_only.zip").write_bytes(make_zip([("folder/", b""), ("__MACOSX/._x.xml", b"junk")]))

    files, problems = walk(tmp_path)
    assert list(files) == ["d_good.zip/x.xml", "d_good.zip/y.xml"]
    assert files["d_good.zip/x.xml"].read() == EXTRACT
    assert problems == {
        "a_truncated.zip": "архив повреждён или обрезан: не найден каталог архива",
        "b_empty.zip": "пустой архив",
        "c_header_only.dat": "архив повреждён или обрезан: не найден каталог архива",
        "e_dirs_only.zip": "пустой архив",
    }


def test_unsafe_member_paths_are_reported_and_never_read(tmp_path: Path):
    archive = make_zip(
        [
            ("../../evil.xml", b"EVIL-1"),
            ("/etc/cron.d/evil", b"EVIL-2"),
            ("C:\\Windows\\evil.xml", b"EVIL-3"),
            ("ok/../../evil.xml", b"EVIL-4"),
            ("ok/./good.xml", EXTRACT),
            ("ok\\win.xml", b"<w/>"),
        ]
    )
    (tmp_path / "pack.zip").write_bytes(archive)
    files, problems = walk(tmp_path)
    assert list(files) == ["pack.zip/ok/good.xml", "pack.zip/ok/win.xml"]
    assert problems["pack.zip/../../evil.xml"] == "небезопасный путь в архиве: ../../evil.xml"
    assert problems["pack.zip//etc/cron.d/evil"] == "небезопасный путь в архиве: /etc/cron.d/evil"
    assert problems["pack.zip/C:\\Windows\\evil.xml"].startswith("небезопасный путь в архиве")
    assert problems["pack.zip/ok/../../evil.xml"].startswith("небезопасный путь в архиве")
    assert not list(tmp_path.parent.glob("evil*")) and not list(tmp_path.glob("**/evil*"))


def test_nested_zips_and_archives_detected_by_content(tmp_path: Path):
    innermost = make_zip([("deep/z.xml", b"<z/>")])
    inner = make_zip([("a/b.xml", EXTRACT), ("level3.zip", innermost)])
    disguised = make_zip([("x.xml", b"<x/>")])
    outer = make_zip([("inner.zip", inner), ("data.bin", disguised), ("plain.xml", b"<p/>")], zipfile.ZIP_STORED)
    (tmp_path / "outer.zip").write_bytes(outer)
    (tmp_path / "upload.dat").write_bytes(make_zip([("Выписка.xml", b"<v/>")]))  # a zip by content

    files, problems = walk(tmp_path)
    assert problems == {}
    assert list(files) == [
        "outer.zip/data.bin/x.xml",
        "outer.zip/inner.zip/a/b.xml",
        "outer.zip/inner.zip/level3.zip/deep/z.xml",
        "outer.zip/plain.xml",
        "upload.dat/Выписка.xml",
    ]
    assert files["outer.zip/inner.zip/a/b.xml"].read() == EXTRACT
    assert files["outer.zip/inner.zip/level3.zip/deep/z.xml"].read() == b"<z/>"

    _, problems = walk(tmp_path, limits=ArchiveLimits(max_depth=2))
    assert problems == {"outer.zip/inner.zip/level3.zip": "слишком глубокая вложенность архивов (больше 2)"}


def test_office_documents_are_files_not_folders(tmp_path: Path):
    xlsx = make_zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")])
    (tmp_path / "houses.xlsx").write_bytes(xlsx)
    (tmp_path / "export.zip").write_bytes(make_zip([("gis/houses.xlsx", xlsx)]))
    files, problems = walk(tmp_path)
    assert problems == {}
    assert list(files) == ["export.zip/gis/houses.xlsx", "houses.xlsx"]
    assert files["export.zip/gis/houses.xlsx"].read() == xlsx == files["houses.xlsx"].read()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Выписки ЕГРН/Выписка_1.xml".encode("cp866"), "Выписки ЕГРН/Выписка_1.xml"),  # Windows «Send to zip», 7-Zip
        ("Выписка_2.xml".encode("cp1251"), "Выписка_2.xml"),  # ANSI code page archivers
        ("Выписка_3.xml".encode("utf-8"), "Выписка_3.xml"),  # UTF-8 without the 0x800 flag
    ],
    ids=["cp866", "cp1251", "utf8-no-flag"],
)
def test_cyrillic_member_names_without_the_utf8_flag(tmp_path: Path, raw: bytes, expected: str):
    placeholder = "@" * len(raw)
    archive = rename_raw(make_zip([(placeholder, b"<x/>")]), placeholder, raw)
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        assert not zf.infolist()[0].flag_bits & 0x800
    (tmp_path / "names.zip").write_bytes(archive)
    files, problems = walk(tmp_path)
    assert problems == {}
    assert list(files) == [f"names.zip/{expected}"]
    assert files[f"names.zip/{expected}"].read() == b"<x/>"


def test_info_zip_unicode_path_field_wins(tmp_path: Path):
    raw = "Отчёт.xml".encode("cp866")
    placeholder = "@" * len(raw)
    wanted = "Отчёт №1.xml".encode("utf-8")
    info = zipfile.ZipInfo(placeholder)
    info.extra = struct.pack("<HHBI", 0x7075, 5 + len(wanted), 1, zlib.crc32(raw)) + wanted
    (tmp_path / "u.zip").write_bytes(rename_raw(make_zip([(info, b"<u/>")]), placeholder, raw))
    files, _ = walk(tmp_path)
    assert list(files) == ["u.zip/Отчёт №1.xml"]


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_macos_junk_and_duplicate_names(tmp_path: Path):
    archive = make_zip(
        [
            ("pack/a.xml", b"<first/>"),
            ("__MACOSX/pack/._a.xml", b"\x00\x05\x16\x07resource fork"),
            ("pack/.DS_Store", b"junk"),
            ("pack/a.xml", b"<second/>"),
        ]
    )
    (tmp_path / "mac.zip").write_bytes(archive)
    items = list(iter_landing(tmp_path))
    assert [(type(i).__name__, i.source_file) for i in items] == [
        ("LandingFile", "mac.zip/pack/a.xml"),
        ("LandingProblem", "mac.zip/pack/a.xml"),
    ]
    assert items[0].read() == b"<first/>"
    assert items[1].reason.startswith("имя повторяется в архиве")


def test_zip_bomb_guards(tmp_path: Path):
    zeros = b"\x00" * (3 << 20)  # deflates about 1000:1
    (tmp_path / "bomb.zip").write_bytes(make_zip([("bomb.xml", zeros), ("ok.xml", EXTRACT)]))
    files, problems = walk(tmp_path)
    assert list(files) == ["bomb.zip/ok.xml"]
    assert problems["bomb.zip/bomb.xml"].startswith("подозрение на zip-бомбу: степень сжатия")

    files, problems = walk(tmp_path, limits=ArchiveLimits(max_member_size=2000))
    assert files == {}
    assert problems["bomb.zip/ok.xml"] == "файл в архиве слишком велик: 3160 байт (предел 2000) — похоже на zip-бомбу"


def test_encrypted_symlink_and_corrupt_members(tmp_path: Path):
    link = zipfile.ZipInfo("link.xml")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = bytearray(
        make_zip(
            [("a_ok.xml", EXTRACT), ("b_corrupt.xml", EXTRACT), (link, b"/etc/passwd"), ("d_secret.xml", b"<s/>")],
            zipfile.ZIP_STORED,
        )
    )
    with zipfile.ZipFile(io.BytesIO(bytes(archive))) as zf:
        corrupt = zf.getinfo("b_corrupt.xml")
    archive[corrupt.header_offset + 30 + len("b_corrupt.xml") + 100] ^= 0xFF  # damage the data
    secret_cd = bytes(archive).rindex(b"d_secret.xml") - 46  # its central directory entry
    archive[secret_cd + 8] |= 0x01  # the "encrypted" flag
    (tmp_path / "mixed.zip").write_bytes(bytes(archive))

    files, problems = walk(tmp_path)
    assert list(files) == ["mixed.zip/a_ok.xml"]
    assert files["mixed.zip/a_ok.xml"].read() == EXTRACT
    assert problems == {
        "mixed.zip/b_corrupt.xml": "файл в архиве повреждён: не совпадает контрольная сумма CRC-32",
        "mixed.zip/link.xml": "символическая ссылка в архиве — пропущена",
        "mixed.zip/d_secret.xml": "файл в архиве зашифрован",
    }


def test_read_error_of_a_member_is_a_landing_read_error(tmp_path: Path):
    archive = bytearray(make_zip([("tiny.xml", b"<t/>")], zipfile.ZIP_STORED))  # too small to sniff
    archive[30 + len("tiny.xml")] ^= 0xFF
    (tmp_path / "t.zip").write_bytes(bytes(archive))
    files, problems = walk(tmp_path)
    assert problems == {}
    with pytest.raises(LandingReadError) as info:
        files["t.zip/tiny.xml"].read()
    assert info.value.source_file == "t.zip/tiny.xml"
    assert info.value.reason == "файл в архиве повреждён: не совпадает контрольная сумма CRC-32"


def test_reads_are_lazy_and_work_in_any_order(tmp_path: Path):
    count = 3000
    archive = make_zip([(f"p/{i:05d}.xml", b"<x n='%d'/>" % i) for i in range(count)])
    (tmp_path / "many.zip").write_bytes(archive)
    items = list(iter_landing(tmp_path))  # nothing is read into the items themselves
    assert len(items) == count and all(isinstance(i, LandingFile) for i in items)
    assert items[-1].read() == b"<x n='%d'/>" % (count - 1)
    assert items[0].read() == b"<x n='0'/>"
    assert items[1234].read() == b"<x n='1234'/>"
    # The same content anywhere has the same sha256: the loader's duplicate test.
    assert file_sha256(items[7].read()) == hashlib.sha256(b"<x n='7'/>").hexdigest()


def test_large_members_and_other_compression_methods(tmp_path: Path):
    # Over the prefetch size (sniffed by its first bytes only) and not very compressible.
    big = b"".join(hashlib.sha256(b"%d" % i).digest() for i in range(40_000))
    archive = make_zip([("big.xml", big)], zipfile.ZIP_DEFLATED)
    lzma = make_zip([("l.xml", EXTRACT)], zipfile.ZIP_LZMA)
    bz2 = make_zip([("b.xml", EXTRACT)], zipfile.ZIP_BZIP2)
    (tmp_path / "big.zip").write_bytes(archive)
    (tmp_path / "lzma.zip").write_bytes(lzma)
    (tmp_path / "bz2.zip").write_bytes(bz2)
    files, problems = walk(tmp_path)
    assert problems == {}
    assert files["big.zip/big.xml"].read() == big
    assert files["lzma.zip/l.xml"].read() == EXTRACT == files["bz2.zip/b.xml"].read()


def test_many_archives_stay_readable_after_the_walk(tmp_path: Path):
    # More archives than are kept open at once: later reads reopen the evicted ones.
    for n in range(12):
        (tmp_path / f"batch_{n:02d}.zip").write_bytes(make_zip([(f"f{n}.xml", b"<n v='%d'/>" % n), ("tiny", b"t")]))
    files, problems = walk(tmp_path)
    assert problems == {} and len(files) == 24
    for name in sorted(files, reverse=True):
        n = int(name[6:8])
        assert files[name].read() == (b"t" if name.endswith("tiny") else b"<n v='%d'/>" % n)
