"""`archiver info` and `archiver show`, run as a user would on real bags in tmp_path."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from conftest import run

FIELDS = ("title", "outlet", "published", "story_code", "byline", "language")


def _records(bag: Path) -> dict[str, dict]:
    return {"data/" + str(p.relative_to(bag / "metadata/provenance"))[:-len(".yaml")]: yaml.safe_load(p.read_bytes())
            for p in sorted((bag / "metadata/provenance").rglob("*.yaml"))}


def _info_json(*args):
    result = run("info", *args, "--format", "json")
    return result, json.loads(result.stdout) if result.stdout.strip() else None


# -- info --------------------------------------------------------------------------------------------

def test_info_counts_what_the_records_say(seeds_bag):
    result, doc = _info_json(seeds_bag)
    assert result.exit_code == 0, result.stderr
    records = _records(seeds_bag)
    for name in FIELDS:
        assert doc["coverage"][name] == {s: sum(r["fields"][name]["status"] == s for r in records.values())
                                         for s in ("extracted", "asserted", "unknown")}
    outlets = Counter(r["fields"]["outlet"]["value"] for r in records.values() if r["fields"]["outlet"]["value"])
    assert [(o["outlet"], o["files"]) for o in doc["outlets"]["top"]] == sorted(outlets.items(), key=lambda kv: (-kv[1], kv[0]))
    dates = sorted(r["fields"]["published"]["value"] for r in records.values() if r["fields"]["published"]["value"])
    assert doc["dates"] == {"earliest": dates[0], "latest": dates[-1], "files": len(dates)}
    payload = [p for p in (seeds_bag / "data").rglob("*") if p.is_file()]
    assert doc["payload"]["files"] == len(payload) == len(records)
    assert doc["payload"]["bytes"] == sum(p.stat().st_size for p in payload)
    assert doc["bag_bytes"] == sum(p.stat().st_size for p in seeds_bag.rglob("*") if p.is_file())
    info_lines = dict(line.split(": ", 1) for line in (seeds_bag / "bag-info.txt").read_text().splitlines())
    assert doc["profile"] == info_lines["BagIt-Profile-Identifier"]
    assert doc["bagging_date"] == info_lines["Bagging-Date"]
    assert doc["last_fixity_check"] is None and doc["problems"] == []


def test_info_text_names_every_part_and_top_limits_the_outlets(seeds_bag):
    result = run("info", seeds_bag, "--top", "1")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for label in ("Profile:", "Payload:", "Published:", "Outlets:", "Coverage:", "Conflicts:  none",
                  "Fixity:     never checked"):
        assert label in out
    _, doc = _info_json(seeds_bag, "--top", "1")
    assert len(doc["outlets"]["top"]) == 1 and doc["outlets"]["named"] > 1
    top = doc["outlets"]["top"][0]
    assert f"  {top['outlet']}" in out
    for name in FIELDS:
        c = doc["coverage"][name]
        assert any(line.split() == [name, str(c["extracted"]), str(c["asserted"]), str(c["unknown"])]
                   for line in out.splitlines())


def test_info_of_a_serialized_bag_equals_that_of_its_directory(seeds_copy, tmp_path):
    assert run("bag", seeds_copy, "-o", tmp_path / "bag", "--quiet").exit_code == 0
    assert run("bag", seeds_copy, "-o", tmp_path / "bag", "--archive", "tar.gz", "--quiet").exit_code == 0
    _, plain = _info_json(tmp_path / "bag")
    result, packed = _info_json(tmp_path / "bag.tar.gz")
    assert result.exit_code == 0, result.stderr
    plain.pop("path"), packed.pop("path")
    assert packed == plain


def test_info_counts_assertions_and_replaced_values(seeds_copy, tmp_path):
    records_before = None
    out = tmp_path / "bag"
    assert run("bag", seeds_copy, "-o", out, "--quiet").exit_code == 0
    records_before = _records(out)
    path = "002_925810d536abd4d2.txt"
    was = records_before["data/" + path]["fields"]["outlet"]["value"]
    assert was
    overrides = tmp_path / "o.yaml"
    overrides.write_text(yaml.safe_dump({"overrides": [
        {"path": path, "by": "A. Curator", "fields": {"outlet": was + " (print)", "byline": "Someone"}}]}))
    assert run("bag", seeds_copy, "-o", out, "--force", "--quiet", "--overrides", overrides).exit_code == 0
    _, doc = _info_json(out)
    assert doc["coverage"]["outlet"]["asserted"] == 1 and doc["coverage"]["byline"]["asserted"] == 1
    assert doc["overridden"]["outlet"] == 1          # a different extracted value was replaced
    unknown_byline = records_before["data/" + path]["fields"]["byline"]["value"] is None
    assert doc["overridden"]["byline"] == (0 if unknown_byline else 1)
    assert "Overridden: outlet 1" in run("info", out).stdout


def test_info_lists_conflicts_the_extractor_left_open(seeds_bag):
    record = seeds_bag / "metadata/provenance/000_a1b928136f395d30.txt.yaml"
    doc = yaml.safe_load(record.read_bytes())
    doc["fields"]["outlet"] = {"value": None, "status": "unknown", "evidence": [
        {"line": 1, "text": "A", "rule": "outlet.masthead", "value": "A", "outcome": "conflict"},
        {"line": 2, "text": "B", "rule": "outlet.masthead", "value": "B", "outcome": "conflict"}]}
    record.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result, info = _info_json(seeds_bag)
    assert result.exit_code == 0
    assert info["conflicts"] == {"fields": {**dict.fromkeys(FIELDS, 0), "outlet": 1},
                                 "files": ["data/000_a1b928136f395d30.txt"]}
    text = run("info", seeds_bag).stdout
    assert "Conflicts:  outlet 1" in text and "  data/000_a1b928136f395d30.txt" in text


def test_info_reads_the_last_fixity_event(seeds_bag):
    (seeds_bag / "metadata/events.yaml").write_text(yaml.safe_dump({"events": [
        {"type": "creation", "time": "2026-01-01T00:00:00Z"},
        {"type": "fixity check", "time": "2026-02-01T00:00:00Z", "outcome": "failure"},
        {"type": "fixity check", "time": "2026-03-01T00:00:00Z", "outcome": "success"},
        {"type": "validation", "time": "2026-04-01T00:00:00Z", "outcome": "success"}]}))
    _, doc = _info_json(seeds_bag)
    assert doc["last_fixity_check"] == {"time": "2026-03-01T00:00:00Z", "outcome": "success"}
    assert "Fixity:     last checked 2026-03-01T00:00:00Z: success" in run("info", seeds_bag).stdout


def test_info_names_bad_and_missing_records_and_follows_no_link(seeds_bag, tmp_path):
    prov = seeds_bag / "metadata/provenance"
    (prov / "000_a1b928136f395d30.txt.yaml").write_text("fields: [unclosed\n")
    (prov / "001_0fd100e6b7384ea1.txt.yaml").unlink()
    # A record replaced by a link to a record outside the bag: never read.
    outside = tmp_path / "outside.yaml"
    outside.write_bytes((prov / "002_925810d536abd4d2.txt.yaml").read_bytes().replace(b'"extracted"', b'"asserted"'))
    (prov / "002_925810d536abd4d2.txt.yaml").unlink()
    (prov / "002_925810d536abd4d2.txt.yaml").symlink_to(outside)
    (seeds_bag / "data/link.txt").symlink_to(outside)
    result, doc = _info_json(seeds_bag)
    assert result.exit_code == 1
    problems = "\n".join(doc["problems"])
    assert "metadata/provenance/000_a1b928136f395d30.txt.yaml: not readable as YAML" in problems
    assert "metadata/provenance/001_0fd100e6b7384ea1.txt.yaml: no provenance record" in problems
    assert "metadata/provenance/002_925810d536abd4d2.txt.yaml: no provenance record" in problems
    assert "data/link.txt: a link or special file in the payload; not followed" in problems
    assert doc["records_read"] == 2
    assert sum(doc["coverage"]["title"].values()) == 2 and doc["coverage"]["title"]["asserted"] == 0
    assert "Problem:    metadata/provenance/000_a1b928136f395d30.txt.yaml" in run("info", seeds_bag).stdout


def test_info_of_something_that_is_not_a_bag_exits_2(tmp_path):
    (tmp_path / "folder").mkdir()
    result = run("info", tmp_path / "folder")
    assert result.exit_code == 2
    assert "not a bag: bagit.txt is missing" in result.stderr
    result = run("info", tmp_path / "nothing")
    assert result.exit_code == 2 and "no such file or directory" in result.stderr


# -- show --------------------------------------------------------------------------------------------

def test_show_gives_each_field_and_its_evidence_in_context(seeds_bag):
    path = "002_925810d536abd4d2.txt"
    result = run("show", seeds_bag, "data/" + path)
    assert result.exit_code == 0, result.stderr
    assert run("show", seeds_bag, path).stdout == result.stdout
    assert "\x1b" not in result.stdout       # not a terminal: plain
    record = _records(seeds_bag)["data/" + path]
    lines = (seeds_bag / "data" / path).read_text(encoding="utf-8").splitlines()
    out = result.stdout.splitlines()
    for name, f in record["fields"].items():
        header = next(line for line in out if line.startswith(f"{name}: "))
        assert f"[{f['status']}" in header
        if f["value"] is not None:
            assert f'"{f["value"]}"' in header
        for e in f["evidence"]:
            if e["line"] is None:
                continue
            cited = f"    > {e['line']} | {lines[e['line'] - 1]}"
            assert cited in out
            at = out.index(cited)
            if e["line"] > 2:   # two lines of context above, numbered and verbatim
                assert out[at - 2].split("|", 1)[1][1:] == lines[e["line"] - 3]
    _, doc = None, json.loads(run("show", seeds_bag, path, "--format", "json").stdout)
    title = next(f for f in doc["fields"] if f["field"] == "title")
    ev = title["evidence"][0]
    assert [c["line"] for c in ev["context"]] == list(range(max(1, ev["line"] - 2), min(len(lines), ev["line"] + 2) + 1))
    assert [c["text"] for c in ev["context"] if c["cited"]] == [lines[ev["line"] - 1]]


def test_show_of_an_asserted_field_names_the_curator_and_what_was_extracted(seeds_copy, tmp_path):
    overrides = tmp_path / "o.yaml"
    overrides.write_text(yaml.safe_dump({"overrides": [{"path": "002_925810d536abd4d2.txt", "by": "A. Curator",
                                                        "note": "print edition", "fields": {"outlet": "Kayhan"}}]}))
    out = tmp_path / "bag"
    assert run("bag", seeds_copy, "-o", out, "--quiet", "--overrides", overrides).exit_code == 0
    text = run("show", out, "002_925810d536abd4d2.txt").stdout
    was = _records(out)["data/002_925810d536abd4d2.txt"]["fields"]["outlet"]["extracted"]
    assert 'outlet: "Kayhan"  [asserted by A. Curator: print edition]' in text
    assert f'  the extractor had: "{was["value"]}"  [extracted' in text


def test_show_highlights_cited_lines_on_a_terminal_only(seeds_bag):
    import pty
    primary, secondary = pty.openpty()
    exe = Path(sys.executable).with_name("archiver")
    proc = subprocess.Popen([str(exe), "show", str(seeds_bag), "002_925810d536abd4d2.txt"], stdout=secondary,
                            stderr=subprocess.PIPE)
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(primary)
    assert proc.wait() == 0
    tty_out = b"".join(chunks).decode("utf-8")
    assert "\x1b[1;33m" in tty_out and "\x1b[0m" in tty_out
    piped = subprocess.run([str(exe), "show", str(seeds_bag), "002_925810d536abd4d2.txt"], capture_output=True, text=True)
    assert piped.returncode == 0 and "\x1b" not in piped.stdout
    assert "\x1b[1;33m" in run("show", seeds_bag, "002_925810d536abd4d2.txt", "--color").stdout


def test_show_escapes_control_characters_from_the_scrape(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "evil.txt").write_text("Headline that \x1b[2J clears \x07 the screen of the reader\n\nBy Ana Diaz\n\n"
                                  + "Body text of the story goes on here for a while. " * 5 + "\n")
    out = tmp_path / "bag"
    assert run("bag", src, "-o", out, "--quiet").exit_code == 0
    result = run("show", out, "evil.txt")
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b[2J" in result.stdout


@pytest.mark.parametrize("path", ["nothing.txt", "data/nothing.txt", "../bagit.txt", "data/../bagit.txt",
                                  "/etc/passwd", "link.txt"])
def test_show_refuses_paths_that_are_no_payload_file(seeds_bag, tmp_path, path):
    (tmp_path / "secret.txt").write_text("secret\n")
    (seeds_bag / "data/link.txt").symlink_to(tmp_path / "secret.txt")
    result = run("show", seeds_bag, path)
    assert result.exit_code == 2
    assert f"no payload file {path!r} in this bag" in result.stderr
    assert "secret" not in result.stdout


def test_show_names_a_record_that_is_not_one(seeds_bag):
    (seeds_bag / "metadata/provenance/002_925810d536abd4d2.txt.yaml").write_text("- just\n- a list\n")
    result = run("show", seeds_bag, "002_925810d536abd4d2.txt")
    assert result.exit_code == 2
    assert ("metadata/provenance/002_925810d536abd4d2.txt.yaml: not an archiver provenance record: "
            "not a mapping") in result.stderr


def test_the_python_api_gives_what_the_cli_prints(seeds_bag):
    import archiver
    summary = archiver.summarize(seeds_bag, top=3)
    assert summary.to_text() + "\n" == run("info", seeds_bag, "--top", "3").stdout
    view = archiver.show_file(seeds_bag, "data/002_925810d536abd4d2.txt")
    assert view.to_text() + "\n" == run("show", seeds_bag, "002_925810d536abd4d2.txt").stdout


def test_readme_shows_what_info_prints_for_the_seeds(seeds_copy, tmp_path, monkeypatch):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ archiver info bags/seeds\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    assert run("bag", seeds_copy, "--quiet").exit_code == 0       # into bags/seeds, as make bag does
    printed = run("info", "bags/seeds").stdout
    # The bagging date is the day `make bag` ran; everything else must be the same.
    strip = lambda text: [line for line in text.splitlines() if not line.startswith("Bagged:")]  # noqa: E731
    assert strip(block) == strip(printed)


def test_info_and_show_of_a_file_that_is_not_text(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "blob.bin").write_bytes(bytes(range(256)) * 8)
    (src / "story.txt").write_text("A headline of some length for the page\n\nBy Ana Diaz\n\nBody text.\n")
    out = tmp_path / "bag"
    assert run("bag", src, "-o", out, "--quiet").exit_code == 0
    _, doc = _info_json(out)
    assert doc["payload"] == {"files": 2, "bytes": 2048 + (src / "story.txt").stat().st_size, "text_files": 1}
    result = run("show", out, "blob.bin")
    assert result.exit_code == 0
    assert "not text" in result.stdout.splitlines()[0]
    # every field says why: the file's media type (archiver.sourcekind), none recognised here
    assert result.stdout.count('the file (source.not-text): "application/octet-stream"') == 8
