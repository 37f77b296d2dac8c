"""Reads the MRZ test vectors from ``shared/research_data/mrz/vectors.md`` (beside the repo)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

VECTORS_MD = Path(__file__).resolve().parents[2].parent / "shared" / "research_data" / "mrz" / "vectors.md"

_CHECK_NAMES = {"docnum": "document_number", "dob": "birth_date", "exp": "expiry_date",
                "personal": "optional_data", "composite": "composite"}


@dataclass
class Vector:
    name: str
    lines: list[str]
    fields: dict[str, str]
    checks_strict: dict[str, bool] = field(default_factory=dict)
    checks_lenient_any: dict[str, bool] = field(default_factory=dict)
    lengths_ok: bool = True
    all_checks_lenient: bool = True


def _fields(text: str) -> dict[str, str]:
    out = {}
    for m in re.finditer(r"(\w+)=('(?:[^']*)'|[^,]*)", text):
        value = m.group(2).strip()
        out[m.group(1)] = value[1:-1] if value.startswith("'") else value
    return out


def load_vectors() -> list[Vector]:
    text = VECTORS_MD.read_text(encoding="utf-8")
    vectors = []
    for m in re.finditer(r"^### (\S+)\n```\n(.*?)```\n(.*?)(?=^### |\Z|^## )", text, re.S | re.M):
        name, block, body = m.groups()
        fields_line = re.search(r"^- fields: (.*)$", body, re.M).group(1)
        checks_line = re.search(r"^- check digits: (.*)$", body, re.M).group(1)
        summary = re.search(r"line lengths OK: (\w+); all check digits valid \(lenient long-doc rule\): (\w+)", body)
        v = Vector(name, block.strip().splitlines(), _fields(fields_line),
                   lengths_ok=summary.group(1) == "True", all_checks_lenient=summary.group(2) == "True")
        for part in re.split(r"; (?=(?:docnum|dob|exp|personal|composite)\b)", checks_line):
            key = _CHECK_NAMES[part.split(":")[0].split(" ")[0]]
            verdict = part.split("->", 1)[1].strip()
            if verdict.startswith("OK ONLY IF"):
                v.checks_strict[key], v.checks_lenient_any[key] = False, True
            else:
                ok = verdict.startswith("OK")
                v.checks_strict[key] = v.checks_lenient_any[key] = ok
        vectors.append(v)
    return vectors
