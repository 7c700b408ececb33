"""The load report `sverka run` prints: signatures beside extracts are counted, never listed as problems."""

from flows.cli import _print_load_report


def row(name, status, kind=None, read=0, loaded=0, quarantined=0, reason=None):
    return (name, None, kind, status, read, loaded, quarantined, reason)


def test_signature_files_are_counted_on_one_line_not_listed_as_problems(capsys):
    rows = [row(f"egrn/{i:03}.xml", "loaded", "egrn_premises", 10, 10) for i in range(3)]
    rows += [row(f"egrn/{i:03}.xml.sig", "signature") for i in range(50)]
    rows += [row(f"junk/{i:03}.txt", "unrecognised", reason="не распознан") for i in range(45)]
    _print_load_report(rows)
    out = capsys.readouterr().out

    assert "signature files (.sig/.p7s beside extracts, no rows expected): 50" in out
    assert ".sig" not in out.replace("(.sig/.p7s", "")  # no signature file is named
    assert "not loaded cleanly (45):" in out
    assert "… and 5 more: SELECT * FROM quality.load_report WHERE status NOT IN ('loaded', 'signature')" in out
    assert "98 files/sheets; rows read 30, loaded 30, quarantined 0" in out


def test_only_loaded_and_signature_files_report_no_problems(capsys):
    _print_load_report([row("a.xml", "loaded", "egrn_premises", 5, 5), row("a.xml.p7s", "signature")])
    out = capsys.readouterr().out
    assert "not loaded cleanly" not in out
    assert "signature files (.sig/.p7s beside extracts, no rows expected): 1" in out
