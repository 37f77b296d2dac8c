import json
import subprocess
import sys

import pytest

from portcullis.screening import Hit, Index, Query, Thresholds, WatchlistEntry, score_pair


def entries():
    return [
        WatchlistEntry("wanted", "E1", ["Мухаммед Юсупов", "Mukhammed Yusupov"], ["1970-05-06"], ["ru"], "m",
                       ["P1234567"], "arrest"),
        WatchlistEntry("wanted", "E2", ["Daniel Ortega"], ["1945"], ["ni"], "m", action="refuse_entry"),
        WatchlistEntry("sanctions", "E3", ["Usama bin Laden", "أسامة بن لادن"], ["1957"], ["sa"], "m"),
        WatchlistEntry("sanctions", "E4", ["Maria Garcia Lopez"], ["1980-03-04"], ["es"], "f", action="notify"),
    ]


@pytest.fixture()
def index():
    return Index(entries())


def ids(hits):
    return [h.entry_id for h in hits if h.decision]


def test_cross_script_hit_with_year_off_by_one(index):
    hits = index.screen(Query("t", ["Mohammed Yusupov"], ["1971-05-06"]))
    assert ids(hits) == ["E1"]
    h = hits[0]
    assert isinstance(h, Hit) and h.action == "arrest" and 0 < h.score <= 1
    reasons = [e["reason"] for e in h.explanation["evidence"]]
    assert any("one year apart" in r for r in reasons)
    assert "Mohammed Yusupov" in h.explain_text()


def test_hard_negative_not_a_hit(index):
    assert ids(index.screen(Query("t", ["Daniel Ortiz"], ["1945-01-01"]))) == []


def test_dob_evidence(index):
    base = index.screen(Query("t", ["Maria Garcia Lopez"], ["1980-03-04"]))[0].score
    swapped = index.screen(Query("t", ["Maria Garcia Lopez"], ["1980-04-03"]))[0]
    assert swapped.decision and swapped.score < base
    far = index.screen(Query("t", ["Maria Garcia Lopez"], ["1950-03-04"]), threshold=0.9)
    assert ids(far) == []
    partial = index.screen(Query("t", ["Usama bin Ladin"], ["1957-03-10"]))
    assert ids(partial) == ["E3"]


def test_document_number_hit_overrides_name(index):
    hits = index.screen(Query("t", ["Someone Else"], document_numbers=["p 123 4567"]))
    assert ids(hits) == ["E1"]
    assert any(e["kind"] == "document" for e in hits[0].explanation["evidence"])


def test_gender_mismatch_lowers_score(index):
    same = index.screen(Query("t", ["Maria Garcia Lopez"], gender="f"))[0].score
    other = index.screen(Query("t", ["Maria Garcia Lopez"], gender="m"))[0].score
    assert other < same


def test_thresholds_per_list_and_action(index):
    q = Query("t", ["Maria Garsia Lopez"])
    score = index.screen(q)[0].score
    th = Thresholds(default=0.5, per_list={"sanctions": 0.99}, per_action={("sanctions", "notify"): 0.6})
    assert th.for_entry("sanctions", "notify") == 0.6
    assert th.for_entry("sanctions", "refer") == 0.99
    assert th.for_entry("wanted", "arrest") == 0.5
    assert ids(index.screen(q, Thresholds(default=0.5, per_list={"sanctions": 0.999}))) == []
    assert ids(index.screen(q, th)) == ["E4"]
    near = index.screen(q, Thresholds(default=score + 0.01, review_margin=0.05))
    assert near and not near[0].decision


def test_upsert_remove_and_versions(index):
    v0 = index.versions
    assert set(v0) == {"wanted", "sanctions"}
    q = Query("t", ["Ivan Petrov"])
    assert ids(index.screen(q)) == []
    index.upsert([WatchlistEntry("wanted", "E9", ["Иван Петров"])])
    assert ids(index.screen(q)) == ["E9"]
    assert index.versions["wanted"] != v0["wanted"] and index.versions["sanctions"] == v0["sanctions"]
    index.upsert([WatchlistEntry("wanted", "E9", ["Pavel Sidorov"])])  # replace
    assert ids(index.screen(q)) == []
    assert ids(index.screen(Query("t", ["Pavel Sidorov"]))) == ["E9"]
    assert index.remove(["E9"]) == 1
    assert ids(index.screen(Query("t", ["Pavel Sidorov"]))) == []
    assert index.versions == v0
    index.compact()
    assert ids(index.screen(Query("t", ["Mohammed Yusupov"]))) == ["E1"]


def test_replace_list(index):
    fresh = [e for e in entries() if e.list_id == "wanted" and e.entry_id != "E2"]
    fresh.append(WatchlistEntry("wanted", "E5", ["Ivan Petrov"]))
    counts = index.replace_list("wanted", fresh)
    assert counts == {"added": 1, "changed": 0, "removed": 1}
    assert ids(index.screen(Query("t", ["Daniel Ortega"]))) == []
    assert len(index) == 4


def test_validity_dates():
    ix = Index([WatchlistEntry("l", "A", ["Ivan Petrov"], valid_from="2024-01-01", valid_to="2024-12-31")])
    assert ids(ix.screen(Query("t", ["Ivan Petrov"], on_date="2024-06-01"))) == ["A"]
    assert ids(ix.screen(Query("t", ["Ivan Petrov"], on_date="2025-06-01"))) == []


def test_screen_batch_and_workers(index):
    qs = [Query(str(i), ["Daniel Ortega" if i % 2 else "Nobody Known"]) for i in range(80)]
    one = index.screen_batch(qs)
    two = index.screen_batch(qs, workers=2)
    assert [ids(h) for h in one] == [ids(h) for h in two]
    assert sum(1 for h in one if ids(h)) == 40


def test_score_pair_for_identity_resolution():
    a = Query("a", ["Mohamed Ali Hassan"], ["1970-02-03"], ["eg"], "m")
    b = Query("b", ["Muhammad Ali Hasan"], ["1970-03-02"], ["eg"], "m")
    score, expl = score_pair(a, b)
    assert score >= 0.8
    assert expl["name"]["parts"] and any("swapped" in e["reason"] for e in expl["evidence"])
    json.dumps(expl)


def test_entry_validation():
    with pytest.raises(ValueError, match="birth_dates"):
        WatchlistEntry("l", "x", ["A B"], ["1970-13-01"])
    with pytest.raises(ValueError, match="action"):
        WatchlistEntry("l", "x", ["A B"], action="shoot")
    with pytest.raises(ValueError, match="names"):
        WatchlistEntry("l", "x", [])


def test_no_django_import():
    code = "import sys, portcullis.screening, portcullis.screening.cli; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _crowd(n_namesakes=60):
    """A list where one surname is very common and "Ivan Tashar" has many namesakes."""
    out = [WatchlistEntry("l", f"N{i}", [f"Ivan Tashar"], nationalities=["ru"]) for i in range(n_namesakes)]
    out += [WatchlistEntry("l", f"S{i}", [f"{g} Tashar"], [f"19{50 + i % 40}-01-01"])
            for i, g in enumerate(["Oleg", "Pavel", "Boris", "Igor"] * 400)]
    return out


def test_rare_given_name_with_common_surname_is_found():
    target = WatchlistEntry("l", "T", ["Zoltan Tashar"], ["1971-04-05"])
    others = [WatchlistEntry("l", f"Z{i}", [f"Zoltan Other{i}"]) for i in range(60)]
    ix = Index(_crowd() + others + [target])
    assert "T" in ids(ix.screen(Query("t", ["Zoltan Tashar"], ["1971-04-05"])))
    assert "T" in ids(ix.screen(Query("t", ["Tashar Zoltan"], ["1971-04-05"])))


def test_namesakes_ranked_by_birth_date():
    ix = Index(_crowd() + [WatchlistEntry("l", "T", ["Ivan Tashar"], ["1971-04-05"], ["ru"])])
    for dob in ("1971-04-05", "1972-04-05", "1971-05-04", "1971"):
        hits = ix.screen(Query("t", ["Ivan Tashar"], [dob], ["ru"]))
        assert hits[0].entry_id == "T", dob
    # the namesake born a year apart on the same day outranks those without a birth date,
    # though its score is lower
    hits = ix.screen(Query("t", ["Ivan Tashar"], ["1972-04-05"], ["ru"]))
    assert hits[0].score < hits[1].score and hits[1].decision


def test_namesake_with_middle_name_and_birth_date_is_returned():
    ix = Index(_crowd() + [WatchlistEntry("l", "T", ["Ivan Petrovich Tashar"], ["1971-04-05"], ["ru"])])
    hits = ix.screen(Query("t", ["Ivan Tashar"], ["1971-04-05"]))
    assert "T" in ids(hits)


def test_birth_date_blocking_reaches_a_spelling_beyond_the_keys():
    # "Nor" does not reach "Noor" through the keys and "Tashar" is the commonest part; the date
    # of birth brings the entry to scoring
    extra = [WatchlistEntry("l", f"X{i}", [f"Nor Other{i}"]) for i in range(5)]
    target = WatchlistEntry("l", "T", ["Noor Tashar"], ["1959-10-05"])
    ix = Index(_crowd() + extra + [target])
    assert "T" in ids(ix.screen(Query("t", ["Nor Tashar"], ["1959-10-05"])))
    assert "T" in ids(ix.screen(Query("t", ["Nor Tashar"], ["1959-05-10"])))  # day and month swapped
    assert "T" not in ids(ix.screen(Query("t", ["Nor Tashar"], ["1930-10-05"])))


def test_typo_breaking_a_digraph_and_particle_joined():
    ix = Index([WatchlistEntry("l", "A", ["Lefo Chakait"]), WatchlistEntry("l", "B", ["Walid al-Meza"]),
                *(WatchlistEntry("l", f"W{i}", [f"Walid X{i}"]) for i in range(50))])
    assert ids(ix.screen(Query("t", ["Lefo Cahkait"]))) == ["A"]
    assert "B" in ids(ix.screen(Query("t", ["Walid Almeza"])))


def test_hits_ordered_by_evidence_beyond_one():
    ix = Index([WatchlistEntry("l", "A", ["Ivan Tashar"]),
                WatchlistEntry("l", "B", ["Ivan Tashar"], ["1971-04-05"], ["ru"])])
    hits = ix.screen(Query("t", ["Ivan Tashar"], ["1971-04-05"], ["ru"]))
    assert [h.entry_id for h in hits] == ["B", "A"] and hits[0].score == hits[1].score == 1.0


def test_typo_inside_a_digraph_and_german_ch():
    # "Kgalid": the fold of Khalid is "halid", two edits from "kgalid", but the spellings are one
    # apart; "Loucharych" is the German romanisation of Лоухарых (Louharykh)
    others = [WatchlistEntry("l", f"K{i}", [f"Kgalid X{i}"]) for i in range(3)]
    ix = Index(_crowd() + others + [WatchlistEntry("l", "T", ["Khalid Tashar"], ["1979"]),
                                    WatchlistEntry("l", "V", ["Ivan Louharykh"])])
    assert "T" in ids(ix.screen(Query("t", ["Kgalid Tashar"], ["1979-04-09"])))
    assert ids(ix.screen(Query("t", ["Iwan Loucharych"]))) == ["V"]


def test_started_workers_are_reused_and_stopped_by_updates(index):
    qs = [Query(str(i), ["Daniel Ortega" if i % 2 else "Ivan Petrov"]) for i in range(80)]
    index.start_workers(2)
    try:
        assert index._pool is not None
        assert sum(1 for h in index.screen_batch(qs, workers=2) if ids(h)) == 40
        index.upsert([WatchlistEntry("wanted", "E9", ["Ivan Petrov"])])
        assert index._pool is None  # the workers held the old index
        assert sum(1 for h in index.screen_batch(qs, workers=2) if ids(h)) == 80
    finally:
        index.stop_workers()


def test_merged_postings_give_the_same_candidates(monkeypatch):
    """A name part's postings merged into one array (FLATTEN_CAP): the same candidates, in the same
    order, as searching every key's postings one by one."""
    import random

    from portcullis.screening import index as index_module

    rng = random.Random(7)
    given = ["Mohammed", "Muhammad", "Mukhammed", "Anna", "Ana", "Daniel", "Maria", "Jose", "José", "Li"]
    family = ["Yusupov", "Yusupova", "Garcia", "Garsia", "Ortega", "Lopez", "Petrova", "Wei", "Al-Hassan", "Hassan"]
    pool = [WatchlistEntry("wanted", f"W{i}", [f"{rng.choice(given)} {rng.choice(family)}"],
                           [f"{rng.randint(1940, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"]
                           + ([f"{rng.randint(1940, 2000)}"] if i % 5 == 0 else []), ["ru", "es", "cn"][i % 3])
            for i in range(3000)]
    idx = Index(pool)
    queries = [Query(f"q{i}", [f"{rng.choice(given)} {rng.choice(family)}"],
                     [f"{rng.randint(1940, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"], ["es"])
               for i in range(60)]
    merged = [idx.candidates(q) for q in queries]
    monkeypatch.setattr(index_module, "FLATTEN_CAP", 0)
    assert [idx.candidates(q) for q in queries] == merged
    assert any(merged)
