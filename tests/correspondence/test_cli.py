"""``portcullis letters render`` for template authors: a PDF from the template files, nothing stored."""

from __future__ import annotations

import json

import pytest

from portcullis.cli import main
from portcullis.correspondence.models import Letter

from .test_letters import REASONS, pdf_text

pytestmark = pytest.mark.django_db


def test_render_writes_a_pdf_and_names_missing_fields(tmp_path, capsys):
    ctx = {"case_reference": "SW-1", "route_name": "Skilled Worker", "decided_on": "2026-03-02",
           "person": {"name": "Ольга Иванова", "latin": "Olga Ivanova"}, "reasons": REASONS,
           "challenge": {"kind": "appeal"}}
    path = tmp_path / "ctx.json"
    path.write_text(json.dumps(ctx, ensure_ascii=False))
    out = tmp_path / "letter.pdf"
    assert main(["letters", "render", "refusal", str(path), "--language", "cy", "--out", str(out)]) == 0
    text = pdf_text(out.read_bytes())
    assert "Ольга Иванова" in text and "Annwyl" in text and "DRAFFT" in text
    del ctx["reasons"]
    path.write_text(json.dumps(ctx))
    assert main(["letters", "render", "refusal", str(path), "--out", str(out)]) == 2
    assert "context.reasons" in capsys.readouterr().err
    assert Letter.objects.count() == 0
