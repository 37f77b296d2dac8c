"""Rules version: a content hash of the rule code and the parameter files.

``rules_version()`` is ``sha256("code:" + code_hash + "\\nparameters:" + parameters_hash)`` where

* ``code_hash`` hashes the source of every module that decides an outcome (the engine, the trip
  counting, the schemas and every route; not the CLI or the text renderer), and
* ``parameters_hash`` hashes every ``parameters/*.yaml`` file byte for byte.

Re-evaluating under an older version
------------------------------------
Each evaluation stores its ``rules_version``.  A *release* (``portcullis rules release``) writes
``archive/<rules_version>.json`` holding the code hash, the parameters hash and the full text of
every parameter file.  ``evaluate(..., rules_version=V)`` then:

* uses the current rules if V is the current version;
* if V is archived **and its code hash equals the installed code hash** (only parameters changed
  since), evaluates with the archived parameter files - an exact replay;
* otherwise raises :class:`RulesVersionUnavailable`: the rule *code* of V is not installed, and we
  will not pretend that new code with old parameters is the old decision.  Install the release that
  carries V (the archive entry names its code hash), or re-render the stored evaluation tree
  (``Evaluation.to_dict()``), which needs no re-evaluation at all.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from pathlib import Path

from .core import RulesVersionUnavailable
from .params import ParameterSet, current, load_documents

HERE = Path(__file__).resolve().parent
ARCHIVE = HERE / "archive"
CODE_FILES = ("core.py", "params.py", "trips.py", "schema.py", "engine.py", "calendar.py")


def _code_files() -> list[Path]:
    files = [HERE / f for f in CODE_FILES if (HERE / f).exists()]
    files += sorted((HERE / "routes").glob("*.py"))
    return files


_CODE_HASH: str | None = None


def code_hash() -> str:
    global _CODE_HASH
    if _CODE_HASH is None:
        h = hashlib.sha256()
        for p in _code_files():
            h.update(p.relative_to(HERE).as_posix().encode() + b"\0")
            h.update(p.read_bytes().replace(b"\r\n", b"\n") + b"\0")
        _CODE_HASH = h.hexdigest()
    return _CODE_HASH


def combine(code: str, params: str) -> str:
    return hashlib.sha256(f"code:{code}\nparameters:{params}".encode()).hexdigest()


_VERSION: str | None = None


def rules_version() -> str:
    """Hex content hash of the installed rules and parameters."""
    global _VERSION
    if _VERSION is None:
        _VERSION = combine(code_hash(), current().hash)
    return _VERSION


def archived_versions() -> list[dict]:
    out = []
    for p in sorted(ARCHIVE.glob("*.json")):
        d = json.loads(p.read_text(encoding="utf-8"))
        out.append({k: d.get(k) for k in ("rules_version", "code_hash", "parameters_hash", "released", "note")})
    return sorted(out, key=lambda d: d.get("released") or "")


def release(note: str = "") -> Path:
    """Archive the current parameters under the current rules version (idempotent)."""
    ARCHIVE.mkdir(exist_ok=True)
    v = rules_version()
    target = ARCHIVE / f"{v}.json"
    if not target.exists():
        target.write_text(json.dumps({
            "rules_version": v, "code_hash": code_hash(), "parameters_hash": current().hash,
            "released": _dt.date.today().isoformat(), "note": note, "documents": load_documents(),
        }, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return target


_SETS: dict[str, ParameterSet] = {}


def parameters_for(version: str) -> ParameterSet:
    """The parameter set to evaluate ``version`` with, or RulesVersionUnavailable."""
    if version == rules_version():
        return current()
    if version in _SETS:
        return _SETS[version]
    f = ARCHIVE / f"{version}.json"
    if not f.exists() or len(version) != 64:
        known = ", ".join(d["rules_version"][:12] for d in archived_versions()) or "none"
        raise RulesVersionUnavailable(
            f"rules version {version!r} is not the installed version ({rules_version()[:12]}…) and is not "
            f"in the release archive (archived: {known}). Re-render the stored evaluation instead.")
    d = json.loads(f.read_text(encoding="utf-8"))
    if d["code_hash"] != code_hash():
        raise RulesVersionUnavailable(
            f"rules version {version[:12]}… was made with rule code {d['code_hash'][:12]}…, but the installed "
            f"code is {code_hash()[:12]}…; install the release carrying that code to re-evaluate, or "
            f"re-render the stored evaluation tree.")
    ps = ParameterSet(d["documents"])
    if ps.hash != d["parameters_hash"]:
        raise RulesVersionUnavailable(f"archive entry {version[:12]}… is corrupt (parameters hash mismatch)")
    _SETS[version] = ps
    return ps
