"""A refusal of leave to enter that takes effect serves its two notices on the traveller, by hand."""

from __future__ import annotations

import io as _io

import pytest
from django.test import Client
from pypdf import PdfReader

from portcullis.border import services
from portcullis.correspondence import services as letters
from portcullis.correspondence.models import Letter

from test_desk import passport

pytestmark = pytest.mark.django_db
REMOVAL = {"carrier_code": "BA", "service": "BA0117", "departs_at": "2026-12-01T18:00", "destination": "JFK"}


def _text(letter) -> str:
    return " ".join(p.extract_text() for p in PdfReader(_io.BytesIO(bytes(letter.pdf))).pages)


def test_countersigned_refusal_serves_the_refusal_notice_and_removal_directions(make_staff):
    io = make_staff("IO", "lhr-border", "border")
    cio = make_staff("CIO", "lhr-border", "border")
    exam = services.examine(passport(surname="Đorđević", given="Jovana"), officer=io, port=io.staff.location)
    services.refuse_entry(exam, officer=io, grounds=["not_genuine_visitor"], reason="no return ticket")
    assert not Letter.objects.exists()  # a proposed refusal is not yet a decision
    services.countersign_refusal(exam, officer=cio, removal=REMOVAL)
    notices = {l.code: l for l in Letter.objects.filter(related=f"examination:{exam.pk}")}
    assert set(notices) == {"refusal_of_entry", "removal_directions"}
    for letter in notices.values():
        assert letter.state == Letter.State.SERVED and letter.served_method == "hand"
        assert letter.person_id == exam.person_id and letters.verify(letter)
    refusal = _text(notices["refusal_of_entry"])
    assert "no return ticket" in refusal and services.REFUSAL_GROUNDS["not_genuine_visitor"].split(":")[0] in refusal
    removal = _text(notices["removal_directions"])
    assert "BA0117" in removal and "JFK" in removal
    # the officers see them on the examination page
    c = Client()
    c.force_login(cio)
    page = c.get(f"/border/examinations/{exam.pk}/").content.decode()
    assert "Notice of refusal of leave to enter" in page and "Notice of removal directions" in page


def test_a_cio_refusal_serves_the_notices_at_once(make_staff):
    cio = make_staff("CIO", "lhr-border", "border")
    exam = services.examine(passport(), officer=cio, port=cio.staff.location)
    services.refuse_entry(exam, officer=cio, grounds=["not_genuine_visitor"], reason="admitted working", removal=REMOVAL)
    assert Letter.objects.filter(related=f"examination:{exam.pk}", state=Letter.State.SERVED).count() == 2
