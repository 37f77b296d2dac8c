"""Runs every case in tests/rules/cases/<route>.yaml: outcome, recommendation, selected requirement
statuses and computed values.  Also checks that every fact id the facts file names for a route is
covered by at least one case (the checklist)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from portcullis.rules import evaluate, routes
from portcullis.rules.params import _jsonable

CASES = Path(__file__).parent / "cases"


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = v
    return out


def _load():
    for f in sorted(CASES.glob("*.yaml")):
        doc = yaml.safe_load(f.read_text())
        for case in doc["cases"]:
            yield pytest.param(doc["route"], doc["base"], case, id=f"{doc['route']}::{case['id']}")


def _subset(expected, actual, where):
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected a mapping, got {actual!r}"
        for k, v in expected.items():
            assert k in actual, f"{where}.{k} missing (have {sorted(actual)})"
            _subset(v, actual[k], f"{where}.{k}")
    else:
        exp = _jsonable(expected)
        assert exp == actual, f"{where}: expected {exp!r}, got {actual!r}"


@pytest.mark.parametrize("route,base,case", list(_load()))
def test_case(route, base, case):
    facts = _merge(base, case.get("facts") or {})
    for k in case.get("unset", ()):
        facts.pop(k, None)
    as_at = dt.date.fromisoformat(case["as_at"]) if case.get("as_at") else None
    ev = evaluate(route, facts, as_at=as_at)
    d = ev.to_dict()
    exp = case["expect"]
    ctx = f"{case['id']}: outcome {d['outcome']} grounds {d['grounds']} band {d['band']}"
    if "outcome" in exp:
        assert d["outcome"] == exp["outcome"], ctx
    if "recommended" in exp:
        assert d["recommended"] == exp["recommended"], ctx
    if "result" in exp:
        _subset(exp["result"], d["result"], "result")
    if "leave" in exp:
        _subset(exp["leave"], d["leave"] or {}, "leave")
    for m in exp.get("missing", ()):
        assert m in d["missing_facts"], f"{m} not in missing facts {d['missing_facts']}"
    for node_id, want in (exp.get("nodes") or {}).items():
        node = ev.requirements.find(node_id)
        assert node is not None, f"no requirement {node_id}"
        nd = node.to_dict()
        if "status" in want:
            assert nd["status"] == want["status"], f"{node_id}: {nd['status']} ({nd['reason']})"
        if "computed" in want:
            _subset(want["computed"], nd["computed"], f"{node_id}.computed")
    # every evaluation carries its version and a complete, serialisable tree
    assert len(d["rules_version"]) == 64
    assert d["requirements"]["children"]


# Facts-file ids (immigration_rules_facts.md) that have an edge or rule to test, by route file.
CHECKLIST = {
    "naturalisation_6_1": ["CONV-01", "CONV-02", "CONV-03", "CONV-05", "CONV-06", "CONV-13", "NAT-02", "NAT-03", "NAT-04",
                           "NAT-05", "NAT-06", "NAT-10", "NAT-11", "NAT-12", "NAT-13", "NAT-14", "NAT-15", "NAT-16", "NAT-20",
                           "GC-02", "GC-03", "GC-05", "KOL-01", "KOL-03", "FEE-NAT"],
    "naturalisation_6_2": ["NAT-01", "NAT-07", "NAT-10", "NAT-11", "NAT-12", "NAT-13"],
    "eu_settlement": ["CONV-08", "EU-01", "EU-02", "EU-03", "EU-04", "EU-05", "EU-06", "EU-07", "EU-08", "EU-09", "EU-12"],
    "skilled_worker": ["SW-01", "SW-02", "SW-03", "SW-10", "SW-11", "SW-12", "SW-13", "SW-14", "SW-20", "SW-21", "SW-22", "SW-23"],
    "visitor": ["V-01", "V-02", "V-03", "V-04", "V-05", "V-06", "V-09", "V-11", "P9-02", "P9-06", "P9-07"],
    "general_grounds": ["CONV-13", "P9-01", "P9-02", "P9-03", "P9-04", "P9-06", "P9-08", "P9-09", "P9-10", "P9-11", "P9-12",
                        "P9-13", "P9-14"],
    "appeal_deadlines": ["AP-01", "AP-02", "AR-01", "AR-03", "CONV-09", "CONV-10", "CONV-11", "EU-14", "NAT-21", "V-10", "SW-28"],
    "jersey_work_permit": ["JE-03", "JE-04", "JE-05", "JE-06", "JE-07", "JE-09"],
}


def test_every_route_has_a_case_file():
    assert sorted(p.stem for p in CASES.glob("*.yaml")) == sorted(routes())


@pytest.mark.parametrize("route", sorted(CHECKLIST))
def test_checklist_covered(route):
    doc = yaml.safe_load((CASES / f"{route}.yaml").read_text())
    covered = {fid for case in doc["cases"] for fid in case.get("covers", ())}
    missing = [fid for fid in CHECKLIST[route] if fid not in covered]
    assert not missing, f"{route}: no case covers {missing}"
