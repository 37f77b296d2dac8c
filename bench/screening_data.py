"""Deterministic test data for the screening benchmark.

* a synthetic watchlist (default 1M entries) of Latin, Russian-style, Arabic-style and Greek-style
  persons, with aliases in Cyrillic, Arabic and Greek script, surname-first forms and alternate
  romanisations; surnames drawn Zipf-like so common names recur;
* planted positives: list persons presented as travellers with exactly one labelled perturbation;
* the 100k qarin negatives from ``shared/research_data/screening/`` as travellers.

Everything derives from ``random.Random(seed)`` and ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

import csv
import gzip
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from portcullis.screening import Query, WatchlistEntry

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "research_data" / "screening"
DATA = Path(__file__).resolve().parent / "data"

PERTURBATIONS = (
    "exact",
    "transliteration",
    "order_swap",
    "missing_middle",
    "extra_middle",
    "typo",
    "year_only_dob",
    "day_month_swap",
    "birth_year_pm1",
    "document_hit",
)
LATIN_CLASSES = ("exact", "order_swap", "missing_middle", "extra_middle", "typo", "year_only_dob",
                 "day_month_swap", "birth_year_pm1", "document_hit")

RU_GIVEN = ("aleksandr sergey dmitriy andrey aleksey mikhail ivan nikolay vladimir yevgeniy pavel oleg "
            "igor yuriy viktor boris anatoliy maksim roman kirill denis artem vadim ilya gennadiy "
            "vyacheslav konstantin stanislav timur ruslan tatyana olga yelena natalya irina svetlana "
            "yuliya anna mariya lyudmila galina vera nadezhda lyubov oksana zhanna").split()
RU_SUFFIX = ("ov", "ev", "in", "enko", "skiy", "ovich", "yan", "shvili", "uk", "chuk", "ko", "ykh")
AR_GIVEN = ("muhammad ahmad ali hassan hussein omar khalid yusuf ibrahim mustafa abdullah mahmoud said "
            "karim tariq nasser faisal walid samir jamal hamza bilal anwar fouad rashid salim zayd "
            "fatima aisha mariam khadija layla noor zainab amina huda samira").split()
GR_GIVEN = "georgios ioannis dimitrios konstantinos nikolaos panagiotis vasilios eleni maria sofia".split()
LATIN_GIVEN = ("james john robert michael william david richard joseph thomas charles daniel matthew "
               "anthony mark paul steven andrew kenneth joshua kevin brian george timothy ronald jason "
               "edward jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon "
               "mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty "
               "sandra margaret ashley kimberly emily donna michelle carol amanda melissa deborah "
               "pierre jean luc marc hans klaus jurgen pedro carlos miguel jose luis giovanni marco "
               "luca francesca giulia sofia lucia ana carmen").split()

ONSETS = ("b c d f g h j k l m n p r s t v z br dr gr kr pr tr st sh ch th").split()
NUCLEI = ("a e i o u a e o ai ei ou ia").split()
CODAS = ("", "", "", "n", "r", "l", "s", "m", "t", "k")

_CYR = [("shch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("yu", "ю"),
        ("ya", "я"), ("yo", "ё"), ("iy", "ий"), ("yy", "ый"), ("ye", "е"), ("a", "а"), ("b", "б"),
        ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("y", "ы"), ("k", "к"),
        ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"),
        ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "к"), ("j", "дж"), ("w", "в"), ("x", "кс"), ("q", "к")]
_DE = {"щ": "schtsch", "ж": "sch", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch", "ю": "ju", "я": "ja",
       "ё": "jo", "й": "i", "е": "e", "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "з": "s", "и": "i",
       "ы": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "ss", "т": "t",
       "у": "u", "ф": "f"}
_AR = [("sh", "ش"), ("kh", "خ"), ("th", "ث"), ("dh", "ذ"), ("gh", "غ"), ("ou", "و"), ("oo", "و"),
       ("ee", "ي"), ("aa", "ا"), ("b", "ب"), ("t", "ت"), ("j", "ج"), ("h", "ح"), ("d", "د"), ("r", "ر"),
       ("z", "ز"), ("s", "س"), ("f", "ف"), ("q", "ق"), ("k", "ك"), ("l", "ل"), ("m", "م"), ("n", "ن"),
       ("w", "و"), ("y", "ي"), ("g", "ج"), ("p", "ب"), ("v", "ف"), ("c", "ك"), ("x", "كس")]
_GR = [("th", "θ"), ("ch", "χ"), ("ps", "ψ"), ("ou", "ου"), ("a", "α"), ("b", "μπ"), ("v", "β"),
       ("g", "γ"), ("d", "δ"), ("e", "ε"), ("z", "ζ"), ("i", "ι"), ("k", "κ"), ("l", "λ"), ("m", "μ"),
       ("n", "ν"), ("x", "ξ"), ("o", "ο"), ("p", "π"), ("r", "ρ"), ("s", "σ"), ("t", "τ"), ("y", "υ"),
       ("f", "φ"), ("h", "χ"), ("u", "ου"), ("c", "κ"), ("j", "τζ"), ("w", "β"), ("q", "κ")]
AR_NATIVE = {"muhammad": "محمد", "ahmad": "أحمد", "ali": "علي", "hassan": "حسن", "hussein": "حسين",
             "omar": "عمر", "khalid": "خالد", "yusuf": "يوسف", "ibrahim": "إبراهيم", "mustafa": "مصطفى",
             "abdullah": "عبدالله", "mahmoud": "محمود", "said": "سعيد"}
AR_VARIANTS = {"muhammad": ["mohammed", "mohamed", "mohammad"], "ahmad": ["ahmed"], "hussein":
               ["husain", "hussain", "husayn"], "hassan": ["hasan"], "omar": ["umar"], "yusuf": ["youssef",
               "yousef"], "khalid": ["khaled"], "mustafa": ["mostafa", "moustafa"], "mahmoud": ["mahmud"],
               "said": ["saeed"], "abdullah": ["abdallah"], "ibrahim": ["ebrahim"]}


def _table(word: str, table) -> str:
    out, i = [], 0
    while i < len(word):
        for a, b in table:
            if word.startswith(a, i):
                out.append(b)
                i += len(a)
                break
        else:
            out.append(word[i])
            i += 1
    return "".join(out)


def cyrillic(latin: str) -> str:
    return " ".join(_table(w, _CYR).capitalize() for w in latin.lower().split())


def german_romanisation(cyr: str) -> str:
    return " ".join("".join(_DE.get(c, c) for c in w.lower()).capitalize() for w in cyr.split())


def arabic(latin: str) -> str:
    return "".join(c for c in _arabic(latin) if not c.isascii() or c == " ")


def _arabic(latin: str) -> str:
    words = []
    for w in latin.lower().split():
        if w in AR_NATIVE:
            words.append(AR_NATIVE[w])
            continue
        if w.startswith("al-"):
            words.append("ال" + _table(_drop_short_vowels(w[3:]), _AR))
        else:
            words.append(_table(_drop_short_vowels(w), _AR))
    return " ".join(words)


def _drop_short_vowels(w: str) -> str:
    keep = []
    for i, c in enumerate(w):
        if c in "aeiou" and not (i == 0 or w[i:i + 2] in ("ou", "oo", "ee", "aa")):
            if c == "a" and i == len(w) - 1:
                keep.append("aa")
            continue
        keep.append(c)
    return "".join(keep)


def greek(latin: str) -> str:
    return " ".join(_table(w, _GR).capitalize() for w in latin.lower().split())


def _syllables(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(ONSETS) + rng.choice(NUCLEI) + (rng.choice(CODAS) if k == n - 1 else "")
                   for k in range(n))


@dataclass
class Person:
    culture: str
    given: list[str]
    surname: str


def _pools(rng: random.Random):
    surnames = {
        "latin": [_syllables(rng, rng.choice((2, 2, 3))) for _ in range(60000)],
        "ru": [_syllables(rng, rng.choice((1, 2, 2))) + rng.choice(RU_SUFFIX) for _ in range(40000)],
        "ar": [("al-" if rng.random() < 0.4 else "") + _syllables(rng, rng.choice((2, 2, 3))) for _ in range(40000)],
        "gr": [_syllables(rng, 2) + rng.choice(("opoulos", "idis", "akis", "ou", "as")) for _ in range(8000)],
    }
    latin_given = LATIN_GIVEN + [_syllables(rng, 2) for _ in range(2000)]
    given = {"latin": latin_given, "ru": RU_GIVEN, "ar": AR_GIVEN, "gr": GR_GIVEN}
    return surnames, given


def _zipf_choice(np_rng, n_items: int, size: int, a: float = 1.07) -> np.ndarray:
    ranks = np.arange(1, n_items + 1, dtype=np.float64)
    p = ranks ** (-a)
    p /= p.sum()
    return np_rng.choice(n_items, size=size, p=p)


def _dob(rng: random.Random) -> str:
    return f"{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _display(p: Person) -> str:
    return " ".join(w.capitalize() if not w.startswith("al-") else "al-" + w[3:].capitalize()
                    for w in p.given + [p.surname])


def generate_watchlist(n: int, seed: int = 4) -> tuple[list[WatchlistEntry], list[Person]]:
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    surnames, given = _pools(rng)
    cultures = np_rng.choice(4, size=n, p=[0.5, 0.2, 0.25, 0.05])
    names_c = ("latin", "ru", "ar", "gr")
    sur_idx = {c: iter(_zipf_choice(np_rng, len(surnames[c]), n).tolist()) for c in names_c}
    entries: list[WatchlistEntry] = []
    people: list[Person] = []
    actions = ("refuse_entry", "arrest", "refer", "notify")
    for i in range(n):
        c = names_c[cultures[i]]
        g = [rng.choice(given[c])]
        if rng.random() < 0.4:
            g.append(rng.choice(given[c]) if c != "ru" else rng.choice(given[c]) + "ovich")
        p = Person(c, g, surnames[c][next(sur_idx[c])])
        people.append(p)
        primary = _display(p)
        names = [primary]
        n_alias = min(8, np_rng.poisson(1.5))
        for _ in range(n_alias):
            r = rng.random()
            if c == "ru" and r < 0.5:
                names.append(cyrillic(primary))
            elif c == "ar" and r < 0.5:
                names.append(arabic(" ".join(p.given + [p.surname])))
            elif c == "gr" and r < 0.5:
                names.append(greek(primary))
            elif r < 0.75:
                names.append(f"{p.surname.upper()}, {' '.join(x.capitalize() for x in p.given)}")
            else:
                names.append(f"{p.given[0][0].upper()}. {p.surname.capitalize()}")
        names = list(dict.fromkeys(names))
        r = rng.random()
        if r < 0.60:
            dobs = [_dob(rng)]
        elif r < 0.85:
            dobs = [str(rng.randint(1940, 2005))]
        elif r < 0.95:
            dobs = []
        else:
            dobs = [_dob(rng), _dob(rng)]
        entries.append(
            WatchlistEntry(
                list_id=("wanted", "immigration", "sanctions")[i % 3],
                entry_id=f"W{i:07d}",
                names=names,
                birth_dates=dobs,
                nationalities=[rng.choice(("ru", "sy", "iq", "gb", "fr", "us", "de", "gr", "eg", "ua"))]
                if rng.random() < 0.9 else [],
                gender=(rng.choice(("m", "f")) if rng.random() < 0.8 else None),
                document_numbers=[f"P{rng.randint(10**7, 10**8 - 1)}"] if rng.random() < 0.2 else [],
                action=actions[i % 4],
            )
        )
    return entries, people


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word + rng.choice("aeiou")
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(("sub", "del", "ins", "swap"))
    letters = "abcdefghijklmnopqrstuvwxyz"
    if op == "sub":
        return word[:i] + rng.choice([c for c in letters if c != word[i]]) + word[i + 1:]
    if op == "del":
        return word[:i] + word[i + 1:]
    if op == "ins":
        return word[:i] + rng.choice(letters) + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:] if word[i] != word[i + 1] else word[:i] + word[i + 1:]


def _variant_spelling(rng: random.Random, p: Person) -> str:
    if p.culture == "ru":
        return german_romanisation(cyrillic(_display(p)))
    if p.culture == "ar":
        g = [rng.choice(AR_VARIANTS.get(x, [x])) for x in p.given]
        s = p.surname.replace("al-", rng.choice(("al-", "el-", "al "))) if "al-" in p.surname else p.surname
        s = s.replace("ou", "u") if "ou" in s else s.replace("a", "e", 1)
        return " ".join(w.capitalize() for w in g + [s])
    if p.culture == "gr":
        return " ".join(w.capitalize() for w in _display(p).lower().replace("ou", "u").replace("y", "i").split())
    return _display(p)


def planted_positives(entries, people, per_class: int, seed: int = 5) -> list[tuple[Query, str, str]]:
    """(query, expected entry id, perturbation class)."""
    rng = random.Random(seed)
    out = []
    n = len(entries)
    for cls in PERTURBATIONS:
        made = 0
        tries = 0
        while made < per_class and tries < per_class * 200:
            tries += 1
            i = rng.randrange(n)
            e, p = entries[i], people[i]
            full = [d for d in e.birth_dates if len(d) == 10]
            dob = full[0] if full else (
                f"{e.birth_dates[0]}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if e.birth_dates else _dob(rng))
            name = _display(p)
            docs = [f"X{rng.randint(10**7, 10**8 - 1)}"]
            if cls == "transliteration":
                if p.culture == "latin":
                    continue
                name = _variant_spelling(rng, p)
                if name == _display(p):
                    continue
            elif cls == "order_swap":
                name = f"{p.surname.capitalize()} {' '.join(x.capitalize() for x in p.given)}"
            elif cls == "missing_middle":
                if len(p.given) < 2:
                    continue
                name = f"{p.given[0].capitalize()} {p.surname.capitalize()}"
            elif cls == "extra_middle":
                extra = rng.choice(LATIN_GIVEN if p.culture == "latin" else RU_GIVEN + AR_GIVEN)
                name = f"{p.given[0].capitalize()} {extra.capitalize()} {' '.join(x.capitalize() for x in p.given[1:])} {p.surname.capitalize()}"
            elif cls == "typo":
                words = name.split()
                k = rng.randrange(len(words))
                words[k] = _typo(rng, words[k].lower()).capitalize()
                name = " ".join(words)
            elif cls == "year_only_dob":
                if not e.birth_dates or len(e.birth_dates[0]) != 4:
                    continue
                dob = f"{e.birth_dates[0]}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            elif cls == "day_month_swap":
                if not full or int(full[0][8:]) > 12 or full[0][5:7] == full[0][8:]:
                    continue
                dob = f"{full[0][:4]}-{full[0][8:]}-{full[0][5:7]}"
            elif cls == "birth_year_pm1":
                if not e.birth_dates:
                    continue
                dob = f"{int(dob[:4]) + rng.choice((-1, 1))}{dob[4:]}"
            elif cls == "document_hit":
                if not e.document_numbers:
                    continue
                docs = list(e.document_numbers)
                words = name.split()
                words[-1] = _typo(rng, words[-1].lower()).capitalize()
                name = " ".join(words)
                dob = _dob(rng)
            q = Query(
                id=f"pos-{cls}-{made}",
                names=[name],
                birth_dates=[dob],
                nationalities=list(e.nationalities),
                gender=e.gender,
                document_numbers=docs,
            )
            out.append((q, e.entry_id, cls))
            made += 1
    return out


def negatives(limit: int | None = None) -> list[Query]:
    """The 100k qarin synthetic negatives (global + US) as travellers."""
    out: list[Query] = []
    for fname in ("yente_negatives_global.csv.gz", "yente_negatives_us.csv.gz"):
        with gzip.open(SHARED / fname, "rt", encoding="utf-8") as fh:
            for i, row in enumerate(csv.DictReader(fh)):
                g = (row.get("gender") or "").lower()
                out.append(
                    Query(
                        id=f"neg-{fname[16:-7]}-{i}",
                        names=[row["full_name"]],
                        birth_dates=[row["date_of_birth"]] if row.get("date_of_birth") else [],
                        nationalities=[row["nationality"]] if row.get("nationality") else [],
                        gender={"male": "m", "female": "f"}.get(g),
                    )
                )
                if limit and len(out) >= limit:
                    return out
    return out
