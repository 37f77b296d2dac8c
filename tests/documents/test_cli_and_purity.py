from __future__ import annotations

import io
import json
import subprocess
import sys

from portcullis.cli import main

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
BEL = ["IDBEL000590240<6013<<<<<<<<<<<", "8512017F1311048BEL851201002007", "REINARTZ<<ULRIKE<KATIA<E<<<<<<"]


def test_package_does_not_import_django():
    code = ("import sys; import portcullis.documents as d; import portcullis.documents.cli; "
            "d.generate_mrz; import portcullis.documents.ocr; "
            "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_check_arguments_readable(capsys):
    assert main(["mrz", "check", *TD3, "--reference-date", "2025-06-01"]) == 0
    out = capsys.readouterr().out
    assert "TD3: VALID" in out and "ERIKSSON" in out and "1974-08-12" in out


def test_check_stdin_json_two_documents(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(TD3) + "\n\n\n" + "\n".join(BEL) + "\n"))
    assert main(["mrz", "check", "--json", "--reference-date", "2025-06-01"]) == 1
    objects = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["valid"] for o in objects] == [True, False]
    first = objects[0]
    assert set(first) >= {"format", "valid", "fields", "checks", "warnings", "errors", "corrections"}
    assert set(first["fields"]) >= {"document_code", "issuing_state", "surname", "given_names", "document_number",
                                    "nationality", "birth_date", "sex", "expiry_date", "optional_data"}
    assert first["fields"]["birth_date"] == "1974-08-12" and first["checks"]["composite"] is True
    assert objects[1]["checks"]["document_number"] is False


def test_lenient_mode_flag(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(BEL)))
    assert main(["mrz", "check", "--json", "--mode", "lenient"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["valid"] and obj["warnings"]


def test_usage_errors(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["mrz", "check"]) == 2
    assert main(["mrz", "check", *TD3, "--reference-date", "yesterday"]) == 2
    assert main(["mrz"]) == 2


def test_bad_document_exit_code(capsys):
    assert main(["mrz", "check", "P<UTO", "L898"]) == 1
    assert "line 1: 5 characters, expected 36" in capsys.readouterr().out
