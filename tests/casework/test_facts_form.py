"""The intake form's fact fields: built from each route's JSON Schema, read back into the same facts,
and shown as readable text on the case page.  No database."""

from __future__ import annotations

import datetime as dt

import pytest

from portcullis.casework import facts_form as ff
from portcullis.casework.lifecycle import route_config
from portcullis.casework.record_facts import RECORD_FACTS
from portcullis.errors import InvalidInput
from portcullis.rules import FactsError, evaluate, route_schema

from cw_helpers import EXAMPLES, example_facts

ROUTES = sorted(route_config())


def _rules(route: str) -> str:
    return route_config()[route]["rules_route"]


def _resolve(prop: dict, defs: dict) -> dict:
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    prop = {**prop, **options[0]} if "anyOf" in prop else prop
    return {**defs[prop["$ref"].rsplit("/", 1)[-1]], **prop} if "$ref" in prop else prop


def generate(prop: dict, defs: dict, variant: int, name: str = ""):
    """A value the schema accepts, independently of facts_form: variant 0 and 1 differ in every
    boolean, enum and number, so both Yes and No (and first and last options) go round."""
    prop = _resolve(prop, defs)
    if "enum" in prop:
        return prop["enum"][0 if variant == 0 else -1]
    t = prop.get("type")
    if t == "object":
        return {k: generate(v, defs, variant, k) for k, v in prop.get("properties", {}).items()}
    if t == "array":
        return [generate(prop["items"], defs, variant), generate(prop["items"], defs, 1 - variant)] if variant else []
    if t == "boolean":
        return variant == 0
    if t in ("integer", "number"):
        low, high = prop.get("minimum", prop.get("exclusiveMinimum", 0)), prop.get("maximum", 10_000_000)
        value = max(low + 1, 3) if variant == 0 else min(high, 45_000)
        return value if t == "integer" else (value + 0.5 if value + 0.5 <= high else value)
    if t == "string" and prop.get("format") == "date":
        return "2024-02-29" if variant == 0 else "2019-12-31"
    if t == "string" and prop.get("format") == "time":
        return "09:30" if variant == 0 else "23:05"
    if t == "string":
        if prop.get("maxLength") == 3:
            return "POL" if variant == 0 else "USA"
        return f"Zoë’s {name or 'text'}, 2nd" if variant == 0 else "2134"
    raise AssertionError(f"the test cannot generate {prop}")


def generated_facts(route: str, variant: int) -> dict:
    schema = route_schema(_rules(route))
    facts = generate(schema, schema.get("$defs", {}), variant)
    return {k: v for k, v in facts.items() if k not in RECORD_FACTS}


# -- fields from the schema -------------------------------------------------------------------------

@pytest.mark.parametrize("route", ROUTES)
def test_every_fact_of_every_route_has_a_field_and_the_record_facts_have_none(route):
    fields = ff.fields_for(_rules(route))
    names = [f.name for f in fields]
    assert len(names) == len(set(names))
    assert not {f"facts.{k}" for k in RECORD_FACTS} & set(names)
    # Every fact the schema has (but the record facts) is held by some field: nothing is unreachable.
    for variant in (0, 1):
        assert ff.unread(fields, generated_facts(route, variant)) == {}
    for f in fields:
        assert f.label and f.name == ".".join(("facts", *f.path))
        assert f.kind in {"boolean", "integer", "number", "date", "time", "enum", "text", "json", "list"}
        if f.kind == "list":  # an entry's inputs are single values, each with a label
            assert f.items and all(s.kind in {"boolean", "integer", "number", "date", "time", "enum", "text"}
                                   and s.label for s in f.items)


def test_field_kinds_follow_the_schema_types():
    fields = {f.name: f for f in ff.fields_for("skilled_worker")}
    assert fields["facts.cos_valid"].kind == "boolean"
    assert fields["facts.occupation_rqf"].kind == "integer"
    assert fields["facts.salary_annual"].kind == "number" and fields["facts.salary_annual"].label == "Annual salary (£)"
    assert fields["facts.salary_annual"].hint == "Guaranteed basic gross annual pay"
    assert fields["facts.cos_end_date"].kind == "date" and "2026-03-27" in fields["facts.cos_end_date"].hint
    assert fields["facts.english_level"].kind == "enum"
    assert [v for v, _ in fields["facts.english_level"].choices] == ["A1", "A2", "B1", "B2", "C1", "C2"]
    assert fields["facts.occupation_code"].kind == "text"
    # A single nested object gets its own fields, in a section of its own, after the top-level facts.
    assert fields["facts.funds.days_held"].section == "Funds"
    assert [s.title for s in ff.sections(ff.fields_for("skilled_worker"))] == ["", "Funds"]
    visitor = {f.name: f for f in ff.fields_for("visitor")}
    assert visitor["facts.arrival_time"].kind == "time"
    convictions = visitor["facts.part9.convictions"]  # an array of flat objects: a row of inputs per entry
    assert convictions.kind == "list" and convictions.hint == "All convictions"  # no "[] if none": None is a choice
    disposal = {s.name: s for s in convictions.items}["disposal"]
    assert disposal.kind == "enum" and disposal.choices[0] == ("custodial", "Custodial")
    # Lists of flat objects are rows of inputs, one per entry.
    trips = {f.name: f for f in ff.fields_for("eu_settlement")}["facts.trips"]
    assert trips.kind == "list" and [(s.name, s.kind) for s in trips.items] == [
        ("departed", "date"), ("returned", "date"), ("reason", "text"), ("destination", "text")]
    nat = {f.name: f for f in ff.fields_for("naturalisation_6_1")}
    assert nat["facts.trips"].kind == "list" and nat["facts.movements"].kind == "list"
    movements = {s.name: s for s in nat["facts.movements"].items}
    assert movements["direction"].kind == "enum" and [v for v, _ in movements["direction"].choices] == ["out", "in"]
    assert nat["facts.settled_status"].choices[0] == ("ilr", "ILR")


# -- the round trip: facts -> form -> facts ---------------------------------------------------------

@pytest.mark.parametrize("variant", [0, 1])
@pytest.mark.parametrize("route", ROUTES)
def test_generated_facts_go_round_the_form_unchanged_for_every_route(route, variant):
    fields = ff.fields_for(_rules(route))
    facts = generated_facts(route, variant)
    data = ff.form_data(fields, facts)
    assert all(isinstance(v, str) for v in data.values())
    assert ff.read(fields, data) == facts
    # ... and the rules engine accepts them (the generator and the form agree with the schema).
    try:
        evaluate(_rules(route), facts, as_at=dt.date(2025, 6, 1))
    except FactsError as exc:
        pytest.fail(f"{route}: {exc.errors}")


@pytest.mark.parametrize("route", [r for r in ROUTES if (EXAMPLES / f"{route_config()[r]['rules_route']}.json").exists()])
def test_the_rules_examples_go_round_the_form_unchanged(route):
    fields = ff.fields_for(_rules(route))
    facts = {k: v for k, v in example_facts(_rules(route)).items() if k not in RECORD_FACTS}
    assert ff.read(fields, ff.form_data(fields, facts)) == facts


# -- reading a post ---------------------------------------------------------------------------------

def test_empty_and_not_known_inputs_are_left_out():
    fields = ff.fields_for("skilled_worker")
    data = {f.name: "" for f in fields}
    assert ff.read(fields, data) == {}
    data.update({"facts.cos_valid": "", "facts.partner": "unknown", "facts.english_level": "",
                 "facts.funds.days_held": "  ", "facts.first_application": "no"})
    assert ff.read(fields, data) == {"first_application": False}  # no "funds": {} either


def test_numbers_dates_and_json_are_parsed():
    fields = ff.fields_for("skilled_worker")
    facts = ff.read(fields, {"facts.salary_annual": "£45,000", "facts.weekly_hours": " 37.5 ",
                             "facts.occupation_rqf": "6", "facts.cos_end_date": "2028-07-31",
                             "facts.funds.lowest_balance_gbp": "1,270.50", "facts.funds.days_held": "28",
                             "facts.sponsor_licensed": "yes", "facts.english_level": "B2"})
    assert facts == {"salary_annual": 45000, "weekly_hours": 37.5, "occupation_rqf": 6, "cos_end_date": "2028-07-31",
                     "funds": {"lowest_balance_gbp": 1270.5, "days_held": 28}, "sponsor_licensed": True,
                     "english_level": "B2"}
    assert isinstance(facts["salary_annual"], int)
    euss = ff.fields_for("eu_settlement")
    assert ff.read(euss, {"facts.trips": '[{"departed": "2022-03-01", "returned": "2023-01-10"}]'}) == {
        "trips": [{"departed": "2022-03-01", "returned": "2023-01-10"}]}
    assert ff.read(euss, {"facts.trips": "[]"}) == {"trips": []}  # none, which is not the same as not known


@pytest.mark.parametrize("name, text, message", [
    ("facts.salary_annual", "forty thousand", "must be a number"),
    ("facts.occupation_rqf", "6.5", "must be a whole number"),
    ("facts.children", "two", "must be a whole number"),
    ("facts.cos_end_date", "31/07/2028", "must be a date, YYYY-MM-DD"),
    ("facts.cos_end_date", "2025-02-30", "must be a real date"),
    ("facts.funds.closing_balance_date", "20250101", "must be a date"),
    ("facts.english_level", "D9", "choose one of the options"),
    ("facts.cos_valid", "perhaps", "choose Yes, No or Not known"),
])
def test_bad_input_names_the_field(name, text, message):
    with pytest.raises(InvalidInput) as exc:
        ff.read(ff.fields_for("skilled_worker"), {name: text})
    assert [(e.field, message in e.message) for e in exc.value.errors] == [(name, True)]


def test_bad_json_and_time_name_the_field_and_every_error_is_named_at_once():
    with pytest.raises(InvalidInput) as exc:
        ff.read(ff.fields_for("visitor"), {"facts.part9.convictions": "[{date: 2020}", "facts.arrival_time": "9.30",
                                           "facts.part9.breaches": '{"type": "overstay"}'})
    errors = {e.field: e.message for e in exc.value.errors}
    assert set(errors) == {"facts.arrival_time", "facts.part9.convictions", "facts.part9.breaches"}
    assert "not valid JSON" in errors["facts.part9.convictions"]
    assert "must be a JSON list" in errors["facts.part9.breaches"]


def test_pasted_json_merges_with_the_fields_and_a_disagreement_is_an_error():
    assert ff.merge({"funds": {"days_held": 28}, "partner": True},
                    {"funds": {"lowest_balance_gbp": 1270}, "children": 2}) == {
        "funds": {"lowest_balance_gbp": 1270, "days_held": 28}, "partner": True, "children": 2}
    assert ff.merge({"partner": True}, {"partner": True}) == {"partner": True}
    with pytest.raises(InvalidInput) as exc:
        ff.merge({"funds": {"days_held": 28}}, {"funds": {"days_held": 30}})
    assert [e.field for e in exc.value.errors] == ["facts.funds.days_held"]


def test_errors_from_the_rules_are_labelled_and_bound_to_the_field_they_are_about():
    fields = ff.fields_for("eu_settlement")
    errors = ff.label_errors(fields, [{"field": "facts.trips[1].departed", "message": "Input should be a valid date"},
                                      {"field": "facts.nationality", "message": "too short"},
                                      {"field": "fee.amount", "message": "is missing"}])
    assert [e.get("label") for e in errors] == ["Trips, entry 2, departed", "Nationality", None]
    bound = {b.name: b for s in ff.bind(fields, {"facts.nationality": "PL"}, errors) for b in s.fields}
    # An error about one input of one entry is shown at that input, in that entry's row.
    assert bound["facts.trips"].error == ""
    second = {i["field"].name: i for i in bound["facts.trips"].rows[1]["inputs"]}
    assert (second["departed"]["name"], second["departed"]["error"]) == ("facts.trips[1].departed",
                                                                         "Input should be a valid date")
    assert (bound["facts.nationality"].value, bound["facts.nationality"].error) == ("PL", "too short")
    assert bound["facts.residence_began"].error == "" and bound["facts.residence_began"].kind == "date"


# -- showing facts ----------------------------------------------------------------------------------

def test_summary_shows_readable_values_in_schema_order_and_lists_what_was_not_given():
    facts = {"application_date": "2026-03-02", "date_of_birth": "1992-05-01", "salary_annual": 45000,
             "cos_end_date": "2028-07-31", "applying_from": "outside_uk", "cos_valid": True, "partner": False,
             "weekly_hours": 37.5, "funds": {"sponsor_certifies_maintenance": True}, "legacy_note": "kept"}
    s = ff.summary("skilled_worker", facts)
    rows = {r["key"]: r for r in s["rows"]}
    assert rows["application_date"]["text"] == "2 March 2026"
    assert rows["application_date"]["label"] == "Application date (from the record)"
    assert rows["cos_end_date"]["text"] == "31 July 2028"
    assert rows["cos_valid"]["text"] == "Yes" and rows["partner"]["text"] == "No"
    assert rows["applying_from"]["text"] == "Outside UK"
    assert rows["salary_annual"]["text"] == "45,000" and rows["weekly_hours"]["text"] == "37.5"
    assert rows["funds.sponsor_certifies_maintenance"]["label"] == "Sponsor certifies maintenance"
    assert [(x["title"], len(x["rows"])) for x in s["sections"]] == [("", 9), ("Funds", 1)]
    assert rows["legacy_note"]["text"] == "Kept"  # a fact the schema does not know is still shown
    keys = [r["key"] for r in s["rows"]]
    assert keys.index("applying_from") < keys.index("cos_valid") < keys.index("salary_annual")
    assert "English level" in s["missing"] and "Annual salary (£)" not in s["missing"]


def test_summary_shows_lists_of_objects_as_lines():
    s = ff.summary("eu_settlement", {"trips": [{"departed": "2022-03-01", "returned": "2023-01-10", "reason": "study"}],
                                     "movements": []})
    rows = {r["key"]: r for r in s["rows"]}
    assert rows["trips"]["lines"] == ["Departed 1 March 2022, returned 10 January 2023, reason study"]
    assert rows["movements"]["text"] == "None"
    v = ff.summary("visitor", {"part9": {"convictions": [{"date": "2019-01-02", "disposal": "non_custodial",
                                                          "sentence_months": 3}], "nhs_debt_gbp": 0}})
    rows = {r["key"]: r for r in v["rows"]}
    assert rows["part9.convictions"]["lines"] == ["Date 2 January 2019, disposal non custodial, sentence months 3"]
    assert rows["part9.nhs_debt_gbp"]["text"] == "0"


# -- lists of entries -------------------------------------------------------------------------------

def test_list_rows_are_read_as_entries_blank_rows_skipped():
    euss = ff.fields_for("eu_settlement")
    data = {"facts.trips": "entries",
            "facts.trips[0].departed": "2022-03-01", "facts.trips[0].returned": "2022-04-10",
            "facts.trips[0].reason": "", "facts.trips[1].departed": "", "facts.trips[1].returned": "",
            "facts.trips[2].departed": "2023-07-01", "facts.trips[2].reason": " family "}
    assert ff.read(euss, data) == {"trips": [{"departed": "2022-03-01", "returned": "2022-04-10"},
                                             {"departed": "2023-07-01", "reason": "family"}]}
    nat = ff.fields_for("naturalisation_6_1")
    got = ff.read(nat, {"facts.convictions": "entries", "facts.convictions[0].date": "2019-01-02",
                        "facts.convictions[0].disposal": "custodial", "facts.convictions[0].sentence_months": "18",
                        "facts.convictions[0].overseas": "no"})
    assert got == {"convictions": [{"date": "2019-01-02", "disposal": "custodial", "sentence_months": 18,
                                    "overseas": False}]}


def test_list_none_is_an_empty_list_and_not_known_leaves_it_out():
    euss = ff.fields_for("eu_settlement")
    blank_rows = {"facts.trips[0].departed": "", "facts.trips[1].reason": ""}
    assert ff.read(euss, {"facts.trips": "none", **blank_rows}) == {"trips": []}
    assert ff.read(euss, {"facts.trips": "", **blank_rows}) == {}
    assert ff.read(euss, {**blank_rows}) == {}
    # Entries filled in with "Not known" still chosen: the entries are what was given.
    assert ff.read(euss, {"facts.trips": "", "facts.trips[0].departed": "2022-03-01"}) == {
        "trips": [{"departed": "2022-03-01"}]}


@pytest.mark.parametrize("data, field, words", [
    ({"facts.trips": "entries", "facts.trips[1].departed": "1 March 2022"}, "facts.trips[1].departed",
     "must be a date, YYYY-MM-DD"),
    ({"facts.movements": "entries", "facts.movements[0].direction": "sideways"}, "facts.movements[0].direction",
     "choose one of the options"),
    ({"facts.trips": "none", "facts.trips[0].departed": "2022-03-01"}, "facts.trips", "says None but has entries"),
    ({"facts.trips": "entries", "facts.trips[0].departed": ""}, "facts.trips", "none is filled in"),
    ({"facts.trips": "some"}, "facts.trips", "choose Not known, None or Entries below"),
])
def test_list_bad_input_names_the_row_input_or_the_list(data, field, words):
    fields = ff.fields_for("naturalisation_6_1")
    with pytest.raises(InvalidInput) as exc:
        ff.read(fields, data)
    assert [(e.field, words in e.message) for e in exc.value.errors] == [(field, True)]


def test_list_rows_offered_are_the_entries_then_blank_rows_and_more_on_request():
    fields = ff.fields_for("eu_settlement")
    facts = {"trips": [{"departed": "2022-03-01", "returned": "2022-04-10"}, {"departed": "2023-07-01"}]}
    data = ff.form_data(fields, facts)
    assert data["facts.trips"] == "entries" and data["facts.trips[1].departed"] == "2023-07-01"
    trips = {b.name: b for s in ff.bind(fields, data) for b in s.fields}["facts.trips"]
    assert len(trips.rows) == 2 + ff.BLANK_ROWS
    assert [i["value"] for i in trips.rows[0]["inputs"]][:2] == ["2022-03-01", "2022-04-10"]
    assert all(i["value"] == "" for i in trips.rows[2]["inputs"])
    more = {b.name: b for s in ff.bind(fields, data, more={"facts.trips": 5}) for b in s.fields}["facts.trips"]
    assert len(more.rows) == 2 + ff.BLANK_ROWS + 5
    assert ff.form_data(fields, {"trips": []}) == {"facts.trips": "none"}
