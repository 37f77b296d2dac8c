import json

from portcullis.screening import Index, Query, load_csv, load_ftm_jsonl, load_people
from portcullis.screening.cli import handler, register
from portcullis.screening.loaders import read_ftm


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_bad_row_reported_and_rest_loaded(tmp_path):
    p = write(tmp_path / "w.csv",
              "id,names,birth_dates,nationalities,gender,document_numbers,action\n"
              "A1,Ivan Petrov|Иван Петров,1970-01-02,ru,m,P1,arrest\n"
              "A2,Bad Date,1970-13-45,ru,m,,refer\n"
              "A3,,1970,ru,m,,refer\n"
              "A4,Too,Few\n"
              "A5,Maria Lopez,1980|1981,es,f,,notify\n")
    entries, errors = load_csv(p, list_id="wanted")
    assert [e.entry_id for e in entries] == ["A1", "A5"]
    assert entries[0].names == ("Ivan Petrov", "Иван Петров") and entries[0].action == "arrest"
    assert entries[1].birth_dates == ("1980", "1981")
    assert [(e.line, e.field) for e in errors] == [(3, "birth_dates"), (4, "names"), (5, "row")]


def test_ftm_jsonl_and_delta(tmp_path):
    person = {"id": "os-1", "schema": "Person", "properties": {
        "name": ["Vladimir Putin"], "alias": ["Владимир Путин"], "birthDate": ["1952-10-07"],
        "nationality": ["ru"], "gender": ["male"], "passportNumber": ["123"]}}
    company = {"id": "os-2", "schema": "Company", "properties": {"name": ["ACME"]}}
    p = write(tmp_path / "e.json", "\n".join([json.dumps(person), json.dumps(company), "{not json"]) + "\n")
    entries, errors = load_ftm_jsonl(p, list_id="os")
    assert len(entries) == 1 and entries[0].names == ("Vladimir Putin", "Владимир Путин")
    assert [(e.line, e.field, e.skipped) for e in errors] == [(2, "schema", True), (3, "row", False)]
    ix = Index(entries)
    v0 = ix.versions["os"]
    delta = write(tmp_path / "d.json", "\n".join([
        json.dumps({"op": "DEL", "entity": {"id": "os-1"}}),
        json.dumps({"op": "ADD", "entity": {"id": "os-3", "schema": "Person",
                                            "properties": {"name": ["Sergei Lavrov"]}}}),
    ]) + "\n")
    ups, removed, errs = read_ftm(delta, list_id="os")
    ix.remove([("os", r) for r in removed])
    ix.upsert(ups)
    assert not errs and ix.versions["os"] != v0
    assert [h.entry_id for h in ix.screen(Query("q", ["Sergey Lavrov"]))] == ["os-3"]
    assert ix.screen(Query("q", ["Vladimir Putin"])) == []


def test_people_jsonl_errors(tmp_path):
    p = write(tmp_path / "t.jsonl",
              json.dumps({"id": "1", "names": ["A B"], "birth_dates": ["1970"]}) + "\n"
              + json.dumps({"id": "2", "names": "C D"}) + "\n"
              + json.dumps({"id": "3", "names": ["E"], "birth_dates": ["70"]}) + "\n")
    people, errors = load_people(p)
    assert [q.id for q in people] == ["1", "2"]
    assert [(e.line, e.field) for e in errors] == [(3, "birth_dates")]


def test_cli_screen(tmp_path, capsys):
    import argparse

    wl = write(tmp_path / "w.jsonl", "\n".join(json.dumps(x) for x in [
        {"id": "W1", "names": ["Мухаммед Юсупов"], "birth_dates": ["1970-05-06"], "nationalities": ["ru"],
         "gender": "m", "document_numbers": []},
        {"id": "W2", "names": ["Daniel Ortega"], "birth_dates": ["1945"]},
    ]) + "\n")
    tr = write(tmp_path / "t.csv", "id,names,birth_dates,nationalities,gender,document_numbers\n"
               "T1,Mohammed Yusupov,1971-05-06,ru,m,\n"
               "T2,Daniel Ortiz,1945-02-02,ni,m,\n"
               "T3,Broken,1945-99-99,ni,m,\n")
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["screen", "--watchlist", str(wl), "--travellers", str(tr), "--json"])
    code = args.func(args)
    out, err = capsys.readouterr()
    lines = [json.loads(x) for x in out.splitlines()]
    assert [x["id"] for x in lines] == ["T1", "T2"]
    assert [h["entry_id"] for h in lines[0]["hits"]] == ["W1"]
    assert lines[0]["hits"][0]["explanation"]["evidence"]
    assert lines[1]["hits"] == []
    assert "line 4" in err and "birth_dates" in err
    assert code == 1
    assert handler is args.func
