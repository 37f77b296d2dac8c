"""Engine, parameters, trips, versions, bad input, purity and CLI."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portcullis.rules import (
    Evaluation, FactsError, Outcome, RulesVersionUnavailable, Status, count_absences, derive_trips, evaluate, parameter,
    route_schema, routes, rules_version,
)
from portcullis.rules.params import ParameterError, ParameterNotInForce, ParameterSet, current
from portcullis.rules.trips import Trip, absence_days, add_months, period_start

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "portcullis" / "rules" / "examples"
D = dt.date.fromisoformat


# ---- parameters ------------------------------------------------------------------------------
def test_skilled_worker_threshold_by_date():
    assert parameter("skilled_worker.option_a.threshold", D("2024-04-03")).value == 26200
    assert parameter("skilled_worker.option_a.threshold", D("2024-04-04")).value == 38700
    assert parameter("skilled_worker.option_a.threshold", D("2025-07-21")).value == 38700
    pv = parameter("skilled_worker.option_a.threshold", D("2025-07-22"))
    assert (pv.value, pv.effective_from, pv.confidence) == (41700, D("2025-07-22"), "confirmed")
    assert pv.citation


def test_parameter_before_first_row_is_not_in_force():
    with pytest.raises(ParameterNotInForce):
        parameter("skilled_worker.option_a.threshold", D("2023-04-11"))
    with pytest.raises(ParameterNotInForce):
        parameter("no.such.parameter", D("2024-01-01"))


def test_every_parameter_row_is_cited_and_tagged():
    ps = current()
    for name in ps.names():
        for pv in ps.history(name):
            assert pv.citation and pv.confidence in ("confirmed", "probable", "uncertain"), name


def test_parameters_read_by_other_contexts():
    on = D("2025-06-01")
    assert parameter("visitor.leave", on).value["duration"] == "P6M"
    assert parameter("service_standard.nationality", on).value == {"months": 6}
    assert parameter("appeal.ftt.days", on).value["in_uk"] == 14
    assert parameter("admin_review.days", on).value == {"in_uk": 14, "detained": 7, "overseas": 28, "border": 14}


def test_overlapping_rows_rejected():
    bad = "x:\n  values:\n    - {value: 1, effective_from: 2020-01-01, effective_to: 2021-01-01, citation: c, confidence: confirmed}\n" \
          "    - {value: 2, effective_from: 2020-06-01, citation: c, confidence: confirmed}\n"
    with pytest.raises(ParameterError):
        ParameterSet({"bad.yaml": bad})
    with pytest.raises(ParameterError):
        ParameterSet({"bad.yaml": "x:\n  values:\n    - {value: 1, citation: c, confidence: maybe}\n"})


# ---- trips -----------------------------------------------------------------------------------
def test_whole_days_only():
    t = [Trip(D("2024-01-01"), D("2024-01-02"))]
    assert absence_days(t, D("2023-01-01"), D("2025-01-01")) == 0
    t = [Trip(D("2024-01-01"), D("2024-01-03"))]
    assert absence_days(t, D("2023-01-01"), D("2025-01-01")) == 1


def test_period_start_convention():
    assert period_start(D("2010-03-25"), years=5) == D("2005-03-26")
    assert period_start(D("2025-01-02"), years=5) == D("2020-01-03")
    assert add_months(D("2024-08-31"), 6) == D("2025-02-28")


def test_derive_trips_and_anomalies():
    trips, anomalies = derive_trips([
        {"direction": "in", "date": "2024-03-10", "port": "LHR"},
        {"direction": "out", "date": "2024-01-01", "port": "LHR"},
        {"direction": "out", "date": "2024-05-01"}, {"direction": "out", "date": "2024-05-03"},
        {"direction": "in", "date": "2024-05-10"}, {"direction": "in", "date": "2024-06-01"}])
    assert trips[0] == Trip(D("2024-01-01"), D("2024-03-10"))
    assert trips[1] == Trip(D("2024-05-01"), D("2024-05-10"))
    assert trips[2] == Trip(None, D("2024-06-01"))
    assert len(anomalies) == 2
    r = count_absences(D("2024-01-01"), D("2024-04-30"), movements=[
        {"direction": "out", "date": "2024-01-01"}, {"direction": "in", "date": "2024-03-10"}])
    assert r["absence_days"] == (D("2024-03-10") - D("2024-01-01")).days - 1
    assert count_absences(D("2024-01-01"), D("2024-12-31"), movements=[{"direction": "in", "date": "2024-06-01"}])["absence_days"] is None


dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2025, 12, 31))
trip_st = st.builds(lambda d, n: Trip(d, d + dt.timedelta(days=n)), dates, st.integers(0, 400))


@settings(max_examples=200, deadline=None)
@given(st.lists(trip_st, max_size=8), st.randoms(use_true_random=False))
def test_absence_invariant_under_order(trips, rnd):
    start, end = D("2018-01-01"), D("2024-12-31")
    shuffled = list(trips)
    rnd.shuffle(shuffled)
    assert absence_days(trips, start, end) == absence_days(shuffled, start, end)


@settings(max_examples=200, deadline=None)
@given(st.lists(trip_st, max_size=8), trip_st)
def test_adding_a_trip_never_decreases_absence(trips, extra):
    start, end = D("2018-01-01"), D("2024-12-31")
    before = absence_days(trips, start, end)
    after = absence_days(trips + [extra], start, end)
    assert after >= before
    assert after <= (end - start).days + 1


@settings(max_examples=100, deadline=None)
@given(st.lists(trip_st, max_size=6))
def test_movements_give_same_count_as_trips(trips):
    # non-overlapping trips -> movement records -> the same absence count
    trips = sorted(trips, key=lambda t: t.departed)
    clean, last = [], None
    for t in trips:
        if last is None or t.departed > last:
            clean.append(t)
            last = t.returned
    mv = [m for t in clean for m in ({"direction": "out", "date": t.departed}, {"direction": "in", "date": t.returned})]
    start, end = D("2018-01-01"), D("2024-12-31")
    assert count_absences(start, end, movements=mv)["absence_days"] == absence_days(clean, start, end)


@settings(max_examples=60, deadline=None)
@given(st.lists(trip_st, max_size=5), st.randoms(use_true_random=False))
def test_naturalisation_outcome_invariant_under_trip_order(trips, rnd):
    base = json.loads((EXAMPLES / "naturalisation_6_1.json").read_text())["facts"]
    base.pop("movements", None)
    tl = [{"departed": t.departed.isoformat(), "returned": t.returned.isoformat()} for t in trips]
    a = evaluate("naturalisation_6_1", dict(base, trips=tl))
    rnd.shuffle(tl)
    b = evaluate("naturalisation_6_1", dict(base, trips=tl))
    assert (a.outcome, a.recommended, a.result) == (b.outcome, b.recommended, b.result)


# ---- evaluation record -----------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_examples_evaluate_with_full_tree(path):
    doc = json.loads(path.read_text())
    ev = evaluate(doc["route"], doc["facts"])
    assert isinstance(ev, Evaluation) and ev.outcome in Outcome
    d = json.loads(json.dumps(ev.to_dict()))  # JSON-serialisable
    assert d["rules_version"] == rules_version()
    nodes = list(ev.requirements.walk())
    assert all(n.status in Status for n in nodes) and len(nodes) >= 3
    assert any(n.parameters for n in nodes)
    assert ev.requirements.id in ev.explain_text()


def test_every_route_has_an_example_and_schema():
    assert sorted(p.stem for p in EXAMPLES.glob("*.json")) == sorted(routes())
    for r in routes():
        s = route_schema(r)
        assert s["type"] == "object" and s["properties"]


def test_parameters_used_carry_dates_and_citations():
    doc = json.loads((EXAMPLES / "skilled_worker.json").read_text())
    ev = evaluate(doc["route"], doc["facts"])
    used = {p.value.name: p for p in ev.parameters_used}
    a = used["skilled_worker.option_a.threshold"]
    assert a.date_role == "cos_assigned_date" and a.value.value == 41700 and a.value.citation


def test_as_at_defaults_to_decision_date():
    doc = json.loads((EXAMPLES / "eu_settlement.json").read_text())
    assert evaluate(doc["route"], doc["facts"]).as_at == D(doc["facts"]["decision_date"])
    assert evaluate(doc["route"], doc["facts"], as_at=D("2025-10-01")).as_at == D("2025-10-01")


# ---- bad input -------------------------------------------------------------------------------
def test_facts_errors_name_each_field():
    with pytest.raises(FactsError) as exc:
        evaluate("naturalisation_6_1", {"application_date": "not a date", "trips": [
            {"departed": "2024-01-01", "returned": "2024-01-05"}, {"departed": "2024-02-01", "returned": "2024-03-01"},
            {"departed": "2024-05-01", "returned": "2024-04-01"}], "surprise": 1})
    fields = {e["field"] for e in exc.value.errors}
    assert "application_date" in fields and "surprise" in fields
    with pytest.raises(FactsError) as exc:
        evaluate("naturalisation_6_1", {"trips": [{"departed": "2024-01-01"}, {"departed": "2024-01-01"},
                                                  {"departed": "2024-05-01", "returned": "2024-04-01"}]})
    assert [e["field"] for e in exc.value.errors] == ["trips[2].returned"]
    with pytest.raises(FactsError) as exc:
        evaluate("visitor", {"part9": {"breaches": [{"type": "nonsense"}]}})
    assert exc.value.errors[0]["field"] == "part9.breaches[0].type"
    with pytest.raises(FactsError):
        evaluate("no_such_route", {})


def test_absent_fact_is_not_known_never_a_pass():
    ev = evaluate("skilled_worker", {})
    assert ev.outcome is Outcome.REFER
    assert all(n.status is not Status.MET for n in ev.requirements.walk() if n.id in ("SW.salary", "SW.english", "SW.sponsorship"))
    assert "salary_annual" in ev.missing_facts


# ---- versions --------------------------------------------------------------------------------
def test_rules_version_is_stable_and_evaluable():
    v = rules_version()
    assert len(v) == 64 and v == rules_version()
    doc = json.loads((EXAMPLES / "visitor.json").read_text())
    assert evaluate("visitor", doc["facts"], rules_version=v).rules_version == v
    with pytest.raises(RulesVersionUnavailable):
        evaluate("visitor", doc["facts"], rules_version="0" * 64)


def test_archived_parameters_replay(tmp_path, monkeypatch):
    from portcullis.rules import version as ver

    monkeypatch.setattr(ver, "ARCHIVE", tmp_path)
    docs = dict(current().documents)
    old_text = docs["skilled_worker.yaml"].replace("value: 41700", "value: 40000")
    old = ParameterSet(dict(docs, **{"skilled_worker.yaml": old_text}))
    old_v = ver.combine(ver.code_hash(), old.hash)
    (tmp_path / f"{old_v}.json").write_text(json.dumps({
        "rules_version": old_v, "code_hash": ver.code_hash(), "parameters_hash": old.hash, "released": "2025-01-01",
        "documents": old.documents}))
    facts = json.loads((EXAMPLES / "skilled_worker.json").read_text())["facts"]
    facts.update(salary_annual=41000, going_rate_annual=30000)
    assert evaluate("skilled_worker", facts).outcome is Outcome.REFUSE
    replay = evaluate("skilled_worker", facts, rules_version=old_v)
    assert replay.outcome is Outcome.GRANT and replay.rules_version == old_v
    other_code = ver.combine("f" * 64, old.hash)
    (tmp_path / f"{other_code}.json").write_text(json.dumps({
        "rules_version": other_code, "code_hash": "f" * 64, "parameters_hash": old.hash, "documents": old.documents}))
    with pytest.raises(RulesVersionUnavailable, match="rule code"):
        evaluate("skilled_worker", facts, rules_version=other_code)


# ---- purity ----------------------------------------------------------------------------------
def test_no_django_import():
    code = ("import sys, json, portcullis.rules as r; from pathlib import Path;"
            "[r.evaluate(x, {}) for x in r.routes()];"
            "import portcullis.rules.cli;"
            "print('django' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---- CLI -------------------------------------------------------------------------------------
def _cli(*args):
    return subprocess.run([sys.executable, "-c", "import sys; from portcullis.cli import main; sys.exit(main())", *args],
                          capture_output=True, text=True)


def test_cli_evaluate_explain_schema(tmp_path):
    f = EXAMPLES / "naturalisation_6_1.json"
    r = _cli("rules", "evaluate", str(f), "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["outcome"] == "GRANT" and d["requirements"]["id"] == "naturalisation_6_1"
    r = _cli("rules", "explain", str(f))
    assert r.returncode == 0 and "NAT.absences_total" in r.stdout and "[MET]" in r.stdout
    r = _cli("rules", "evaluate", str(f), "--as-at", "2025-07-01", "--json")
    assert json.loads(r.stdout)["as_at"] == "2025-07-01"
    r = _cli("rules", "schema", "skilled_worker")
    assert r.returncode == 0 and "salary_annual" in json.loads(r.stdout)["properties"]


def test_cli_bad_input_exit_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = _cli("rules", "evaluate", str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "not valid JSON" in r.stderr
    bad.write_text(json.dumps({"route": "visitor", "facts": {"arrival_date": "soon", "nationality": 5}}))
    r = _cli("rules", "evaluate", str(bad))
    assert r.returncode == 2 and "arrival_date" in r.stderr and "nationality" in r.stderr and "Traceback" not in r.stderr
    r = _cli("rules", "schema", "nope")
    assert r.returncode == 2
