"""The record emitter writes YAML that safe_load reads back to exactly the same data."""
from __future__ import annotations

import yaml
from hypothesis import given, settings, strategies as st

from archiver import yamlout
from archiver.model import FIELD_NAMES

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**12, max_value=10**12),
                    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40))
keys = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True)
# What records hold: mappings of anything, lists of scalars or of mappings.
trees = st.recursive(scalars, lambda children: st.one_of(
    st.dictionaries(keys, children, max_size=4),
    st.lists(st.one_of(scalars, st.dictionaries(keys, children, min_size=1, max_size=3)), max_size=4)),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(keys, trees, max_size=6))
def test_round_trip_through_safe_load(data):
    text = yamlout.dump(data)
    assert yaml.safe_load(text) == (data or None)


def test_strings_are_always_double_quoted():
    out = yamlout.dump({"a": "no", "b": "2024-03-28", "c": "1125546", "d": None, "e": 3}).decode()
    assert out == 'a: "no"\nb: "2024-03-28"\nc: "1125546"\nd: null\ne: 3\n'


field_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)
evidence = st.builds(lambda line, text, rule, value, outcome: __import__("archiver.model").model.Evidence(
    line, text, rule, value, outcome), st.one_of(st.none(), st.integers(1, 10**6)), field_text, field_text,
    st.one_of(st.none(), field_text), st.sampled_from([None, "overruled", "conflict"]))


@st.composite
def fields(draw):
    from archiver.model import ASSERTED, Field
    value = draw(st.one_of(st.none(), field_text))
    f = Field(value, "extracted" if value is not None else "unknown", draw(st.lists(evidence, max_size=3)))
    if draw(st.booleans()):
        f = Field(draw(st.one_of(st.none(), field_text)), ASSERTED, [], by=draw(field_text),
                  note=draw(st.one_of(st.none(), field_text)), extracted=f)
    return f


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({n: fields() for n in
                              FIELD_NAMES}),
       field_text.filter(bool), st.integers(0, 2**40), st.sampled_from([None, "utf-8", "windows-1252"]))
def test_record_fast_path_equals_the_generic_emitter(fields_, path, size, encoding):
    from archiver.provenance import ProvenanceRecord
    rec = ProvenanceRecord(path, size, "a" * 64, "b" * 128, encoding, fields_)
    assert rec.to_yaml() == yamlout.dump(rec.to_dict())
    assert yaml.safe_load(rec.to_yaml()) == rec.to_dict()
