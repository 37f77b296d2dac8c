"""MRZ benchmark: documents per second to parse and validate, Portcullis against its peers.

    .venv/bin/python bench/mrz.py                 # ~1 s per engine
    .venv/bin/python bench/mrz.py --seconds 3 --docs 2000 --rounds 9

All engines get the same documents in the same run: the 30 vectors of
``../shared/research_data/mrz/vectors.md`` plus generated TD1, TD2, TD3, MRV-A and MRV-B documents
(one in ten with a damaged check digit).  Each engine parses and validates every document:

* portcullis: ``parse_mrz(text)`` (default: strict, OCR correction on) and ``.valid``; the result is
  complete when returned (every field, check, warning and error; nothing is computed lazily or
  cached per document).  Clean documents are read by the optional C accelerator
  ``portcullis.documents._mrzfast`` when it is built (``pip install -e .``), everything else by the
  pure-Python path; ``--pure`` adds a row for the pure-Python path alone;
* mrz 0.6.2: the format's ``*CodeChecker(text)``, ``bool(checker)`` and ``checker.fields()``;
* PassportEye 2.2.2: ``passporteye.mrz.text.MRZ(lines)`` and ``.valid``.

The peers are bench-only dependencies (``pip install mrz==0.6.2 PassportEye==2.2.2``); an engine
that is not installed is skipped with a message.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

# This file is called mrz.py: keep its directory off sys.path so "import mrz" finds the package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from portcullis.documents import generate_mrz, parse_mrz  # noqa: E402
from portcullis.documents.codes import COUNTRY_CODES  # noqa: E402

VECTORS_MD = Path(__file__).resolve().parents[1].parent / "shared" / "research_data" / "mrz" / "vectors.md"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PURE = "portcullis, pure Python (no C accelerator)"
ALNUM = LETTERS + "0123456789"


def vector_documents() -> list[str]:
    if not VECTORS_MD.exists():
        print(f"(vectors not found at {VECTORS_MD}; using generated documents only)")
        return []
    text = VECTORS_MD.read_text(encoding="utf-8")
    return [m.group(2).strip() for m in re.finditer(r"^### (V\S+)\n```\n(.*?)```", text, re.S | re.M)]


def generated_documents(n: int, seed: int = 9303) -> list[str]:
    rng = random.Random(seed)
    codes = sorted(c for c in COUNTRY_CODES if len(c) == 3)
    formats = ["TD1", "TD2", "TD3", "MRVA", "MRVB"]
    docs = []
    for i in range(n):
        fmt = formats[i % 5]
        long_ok = fmt in ("TD1", "TD2") and rng.random() < 0.2
        number = "".join(rng.choice(ALNUM) for _ in range(rng.randint(12, 13) if long_ok else rng.randint(6, 9)))
        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 80))
        text = generate_mrz(
            format=fmt, issuing_state=rng.choice(codes), nationality=rng.choice(codes),
            surname=" ".join("".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 9))) for _ in range(rng.randint(1, 2))),
            given_names="".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 8))),
            document_number=number, birth_date=birth, sex=rng.choice("MF"),
            expiry_date=date(2020, 1, 1) + timedelta(days=rng.randrange(365 * 15)),
            optional_data="" if long_ok else "".join(rng.choice(ALNUM) for _ in range(rng.randint(0, 3))),
        )
        if rng.random() < 0.1:  # damage the birth-date check digit
            lines = text.split("\n")
            idx = {"TD1": (1, 6)}.get(fmt, (1, {"TD2": 19, "MRVB": 19}.get(fmt, 19)))
            row = lines[idx[0]]
            lines[idx[0]] = row[: idx[1]] + str((int(row[idx[1]]) + 3) % 10) + row[idx[1] + 1:]
            text = "\n".join(lines)
        docs.append(text)
    return docs


def engine_portcullis():
    def run(text: str) -> bool:
        return parse_mrz(text).valid
    return run


def engine_portcullis_pure():
    from portcullis.documents import parser

    def run(text: str) -> bool:
        return parse_mrz(text).valid

    def switch(on: bool) -> None:  # the accelerator off while this engine runs
        parser._fast_read = None if on else _ACCELERATOR
    run.switch = switch
    return run


def _accelerator():
    from portcullis.documents import parser
    return parser._fast_read


_ACCELERATOR = _accelerator()


def engine_mrz():
    try:
        from mrz.checker.mrva import MRVACodeChecker
        from mrz.checker.mrvb import MRVBCodeChecker
        from mrz.checker.td1 import TD1CodeChecker
        from mrz.checker.td2 import TD2CodeChecker
        from mrz.checker.td3 import TD3CodeChecker
    except ImportError:
        return None

    def run(text: str) -> bool:
        lines = text.split("\n")
        if len(lines) == 3:
            checker = TD1CodeChecker(text)
        elif len(lines[0]) == 36:
            checker = MRVBCodeChecker(text) if text[0] == "V" else TD2CodeChecker(text)
        else:
            checker = MRVACodeChecker(text) if text[0] == "V" else TD3CodeChecker(text)
        checker.fields()
        return bool(checker)
    return run


def engine_passporteye():
    try:
        from passporteye.mrz.text import MRZ
    except ImportError:
        return None

    def run(text: str) -> bool:
        return bool(MRZ(text.split("\n")).valid)
    return run


def measure(run, docs: list[str], seconds: float) -> tuple[float, int]:
    for text in docs[:50]:  # warm up
        run(text)
    done = 0
    start = time.perf_counter()
    valid = 0
    while True:
        for text in docs:
            valid += run(text)
        done += len(docs)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed, valid * len(docs) // done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per engine (default 1)")
    parser.add_argument("--docs", type=int, default=1000, help="generated documents (default 1000)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per engine (default 5)")
    parser.add_argument("--pure", action="store_true",
                        help="also measure portcullis without its C accelerator (not counted as a peer)")
    args = parser.parse_args(argv)

    docs = vector_documents() + generated_documents(args.docs)
    print(f"{len(docs)} documents (TD1, TD2, TD3, MRV-A, MRV-B; vectors + generated), {args.seconds:g} s per engine "
          f"in {args.rounds} interleaved rounds")
    print("portcullis: " + ("C accelerator (portcullis.documents._mrzfast) for clean documents, pure Python "
                            "for the rest" if _ACCELERATOR is not None else "pure Python (C accelerator not built)"))
    engines = [("portcullis", engine_portcullis()), ("mrz 0.6.2 checkers", engine_mrz()),
               ("PassportEye 2.2.2 MRZ", engine_passporteye())]
    if args.pure and _ACCELERATOR is not None:
        engines.insert(1, (PURE, engine_portcullis_pure()))
    for name, run in engines:
        if run is None:
            print(f"  {name}: not installed, skipped (pip install mrz==0.6.2 PassportEye==2.2.2)")
    engines = [(name, run) for name, run in engines if run is not None]
    # The engines take turns (round-robin) so that load from other processes on a shared machine
    # falls on all of them alike; each engine's rate is the median of its rounds.
    samples: dict[str, list[float]] = {name: [] for name, _ in engines}
    valids: dict[str, int] = {}
    for _ in range(args.rounds):
        for name, run in engines:
            switch = getattr(run, "switch", None)
            if switch:
                switch(True)
            try:
                rate, valids[name] = measure(run, docs, args.seconds / args.rounds)
            finally:
                if switch:
                    switch(False)
            samples[name].append(rate)
    rates = {}
    for name, _ in engines:
        rates[name] = statistics.median(samples[name])
        print(f"  measured {name}: {rates[name]:,.0f} docs/s (median of {args.rounds} rounds; "
              f"{valids[name]} of {len(docs)} valid)")
    ours = rates.pop("portcullis")
    pure = rates.pop(PURE, None)
    print()
    print(f"| engine | docs/s | portcullis speed-up |")
    print(f"|---|---:|---:|")
    print(f"| portcullis | {ours:,.0f} | 1.0x |")
    if pure is not None:
        print(f"| {PURE} | {pure:,.0f} | {ours / pure:.1f}x |")
    for name, rate in rates.items():
        print(f"| {name} | {rate:,.0f} | {ours / rate:.1f}x |")
    if rates:
        fastest = max(rates, key=rates.get)
        ratio = ours / rates[fastest]
        print(f"\nportcullis / fastest peer ({fastest}): {ratio:.1f}x (target >= 5x): {'met' if ratio >= 5 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
