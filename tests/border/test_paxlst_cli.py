"""``portcullis paxlst parse`` and the border package's independence from Django."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from portcullis.border import cli

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "research_data" / "paxlst"


def run(argv, stdin: bytes = b""):
    import argparse

    parser = argparse.ArgumentParser(prog="portcullis")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr, sys.stdin
    sys.stdout, sys.stderr = out, err
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        code = args.func(args)
    finally:
        sys.stdout, sys.stderr, sys.stdin = old
    return code, out.getvalue(), err.getvalue()


def test_summary():
    code, out, _ = run(["paxlst", "parse", str(SAMPLES / "apisMessage.txt")])
    assert code == 0
    assert "Flight AA123 (carrier AA): ATL 2007-02-19 15:40 -> ORD 2007-02-19 17:40" in out
    assert "Flight AA124 (carrier AA): ORD 2007-02-19 18:40 -> JFK 2007-02-19 19:55" in out
    assert "2 passengers, 0 crew" in out
    assert "CLARK, CHERYL" in out and "born 1973-04-07" in out
    assert "segment 3 UNG: recipient ' DHS'" in out


def test_json():
    code, out, _ = run(["paxlst", "parse", str(SAMPLES / "Test1.txt"), "--json"])
    assert code == 0
    d = json.loads(out)
    m = d["messages"][0]
    assert m["crew_count"] == 8 and m["passenger_count"] == 0
    assert m["flights"][0]["departure_airport"] == "FRA"
    assert m["persons"][0]["documents"][0]["expiry"] == "2061-02-18"
    assert len(d["warnings"]) == 4


def test_stdin_and_error_exit_2():
    bad = (SAMPLES / "apisMessage.txt").read_bytes().replace(b"DTM+329:720907", b"DTM+329:72090")
    code, out, err = run(["paxlst", "parse", "-"], stdin=bad)
    assert code == 2
    assert "segment 21 DTM" in err and "Traceback" not in err
    code, out, err = run(["paxlst", "parse", "-"], stdin=(SAMPLES / "airline2.edi").read_bytes())
    assert code == 0 and "10 passengers" in out


def test_missing_file_exit_2(tmp_path):
    code, _, err = run(["paxlst", "parse", str(tmp_path / "nope.edi")])
    assert code == 2 and "cannot read" in err


def test_console_script_end_to_end():
    proc = subprocess.run([sys.executable, "-c", "import sys; from portcullis.cli import main; sys.exit(main())",
                           "paxlst", "parse", str(SAMPLES / "multiple_flight_leg_apis.txt")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Flight QQ827 (carrier QQ): JFK 2008-08-10 20:00 -> CDG 2008-08-11 06:30" in proc.stdout


def test_border_modules_do_not_import_django():
    code = (
        "import sys\n"
        "import portcullis.border, portcullis.border.edifact, portcullis.border.paxlst\n"
        "import portcullis.border.paxlst_writer, portcullis.border.cusres, portcullis.border.cli\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
