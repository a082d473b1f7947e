"""The audit trail: metadata/events.yaml written by `archiver bag` and `--update`, appended to by
`archiver fixity`; read back by `archiver info` and accepted by `archiver validate`."""
from __future__ import annotations

import json

import pytest
import yaml

from archiver import __version__
from archiver.bag import make_bag
from archiver.events import check_fixity
from conftest import coreutils_check, run, tree_digest

EVENTS = "metadata/events.yaml"


def events_of(bag):
    return yaml.safe_load((bag / EVENTS).read_text(encoding="utf-8"))["events"]


@pytest.fixture
def bag(seeds_bag):
    return seeds_bag


def test_a_fresh_bag_has_one_creation_event_listed_in_the_tag_manifests(bag):
    [event] = events_of(bag)
    assert event == {"type": "creation", "time": "2023-11-14T22:13:20Z",       # SOURCE_DATE_EPOCH=1700000000
                     "agent": f"archiver {__version__}", "outcome": "success",
                     "detail": "bagged 5 payload files, 22721 bytes"}
    for alg in ("sha256", "sha512"):
        names = [line.split("  ", 1)[1] for line in (bag / f"tagmanifest-{alg}.txt").read_text().splitlines()]
        assert EVENTS in names
    coreutils_check(bag)          # its listed digest is right, checked independently
    assert run("validate", bag).exit_code == 0


def test_the_same_input_and_epoch_give_byte_identical_bags_events_included(seeds_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    first = make_bag(seeds_copy, tmp_path / "a").path
    second = make_bag(seeds_copy, tmp_path / "b").path
    assert tree_digest(first) == tree_digest(second)
    assert (first / EVENTS).read_bytes() == (second / EVENTS).read_bytes()
    assert events_of(first)[0]["time"] == "2009-02-13T23:31:30Z"


def _change(src):
    names = sorted(p.name for p in src.iterdir())
    (src / names[0]).write_text("Changed headline\n\nA new body.\n", encoding="utf-8")
    (src / names[1]).unlink()
    (src / "zz-added.txt").write_text("Added headline\n\nBody.\n", encoding="utf-8")
    return f"data/{names[0]}", f"data/{names[1]}"


def test_an_update_records_and_prints_what_it_added_changed_and_removed(seeds_copy, bag):
    changed, removed = _change(seeds_copy)
    result = run("bag", seeds_copy, "-o", bag, "--update")
    assert result.exit_code == 0, result.stderr
    creation, modification = events_of(bag)
    assert creation["type"] == "creation"
    assert modification["type"] == "modification" and modification["outcome"] == "success"
    assert modification["added"] == ["data/zz-added.txt"]
    assert modification["changed"] == [changed]
    assert modification["removed"] == [removed]
    assert modification["detail"].startswith("updated: 1 added, 1 changed, 1 removed")
    assert f"added: data/zz-added.txt\nchanged: {changed}\nremoved: {removed}\n" in result.stderr
    assert "added:" not in result.stdout
    assert run("validate", bag).exit_code == 0


def test_quiet_updates_print_nothing_but_still_record(seeds_copy, bag):
    _change(seeds_copy)
    result = run("bag", seeds_copy, "-o", bag, "--update", "--quiet")
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""
    assert [e["type"] for e in events_of(bag)] == ["creation", "modification"]


def test_an_update_that_changes_no_payload_file_appends_no_event(seeds_copy, bag):
    before = (bag / EVENTS).read_bytes()
    result = run("bag", seeds_copy, "-o", bag, "--update")
    assert result.exit_code == 0 and "added:" not in result.stderr
    assert (bag / EVENTS).read_bytes() == before


def test_fixity_pass_is_recorded_and_the_bag_stays_valid(bag):
    payload = tree_digest(bag / "data")
    result = run("fixity", bag)
    assert result.exit_code == 0, result.output
    assert "Fixity pass: 5 payload files checked, 0 failed" in result.stdout
    event = events_of(bag)[-1]
    assert event["type"] == "fixity check" and event["outcome"] == "pass"
    assert event["files_checked"] == 5 and event["failures"] == []
    assert event["agent"] == f"archiver {__version__}" and event["time"] == "2023-11-14T22:13:20Z"
    assert tree_digest(bag / "data") == payload
    assert run("validate", bag).exit_code == 0          # events.yaml re-manifested
    coreutils_check(bag)
    info = run("info", bag)
    assert "Fixity:     last checked 2023-11-14T22:13:20Z: pass" in info.stdout
    doc = json.loads(run("info", bag, "--format", "json").stdout)
    assert doc["last_fixity_check"] == {"time": "2023-11-14T22:13:20Z", "outcome": "pass"}


def test_fixity_appends_to_the_events_already_there(bag):
    run("fixity", bag)
    run("fixity", bag)
    assert [e["type"] for e in events_of(bag)] == ["creation", "fixity check", "fixity check"]


def test_a_corrupted_payload_byte_fails_is_recorded_and_the_payload_is_left_alone(bag):
    victim = sorted((bag / "data").iterdir())[2]
    data = bytearray(victim.read_bytes())
    data[10] ^= 0x01
    victim.write_bytes(bytes(data))
    payload = tree_digest(bag / "data")
    result = check_fixity(bag)                         # the Python API
    assert not result.passed
    event = events_of(bag)[-1]
    assert event["type"] == "fixity check" and event["outcome"] == "fail"
    rel = f"data/{victim.name}"
    assert {f["file"] for f in event["failures"]} == {rel}
    assert any("sha256 checksum does not match" in f["problem"] for f in event["failures"])
    assert tree_digest(bag / "data") == payload
    # Through the CLI: exit 1, the file named, the failure recorded again.
    cli = run("fixity", bag)
    assert cli.exit_code == 1
    assert f"FAIL {rel}:" in cli.stdout
    assert [e["outcome"] for e in events_of(bag)[1:]] == ["fail", "fail"]
    assert "last checked 2023-11-14T22:13:20Z: fail" in run("info", bag).stdout
    coreutils_check_tags_only(bag)


def coreutils_check_tags_only(bag):
    """The tag manifests still hold (the payload manifest is what the corrupted byte breaks)."""
    import subprocess
    proc = subprocess.run(["sha256sum", "-c", "--strict", "--quiet", "tagmanifest-sha256.txt"], cwd=bag,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_fixity_of_a_missing_payload_file_fails(bag):
    victim = sorted((bag / "data").iterdir())[0]
    victim.unlink()
    assert run("fixity", bag).exit_code == 1
    assert f"data/{victim.name}" in {f["file"] for f in events_of(bag)[-1]["failures"]}


def test_fixity_cannot_run_on_a_serialized_bag_or_a_non_bag(seeds_copy, tmp_path):
    assert run("bag", seeds_copy, "-o", tmp_path / "packed", "--archive", "tar.gz", "--quiet").exit_code == 0
    archive = tmp_path / "packed.tar.gz"
    before = archive.read_bytes()
    result = run("fixity", archive)
    assert result.exit_code == 2
    assert "serialized bag" in result.stderr and "unpack" in result.stderr
    assert archive.read_bytes() == before
    assert run("fixity", seeds_copy).exit_code == 2          # a folder that is not a bag
    assert run("fixity", tmp_path / "nowhere").exit_code == 2


def test_an_unreadable_events_file_is_not_overwritten(bag):
    (bag / EVENTS).write_text("events: [unclosed\n", encoding="utf-8")
    result = run("fixity", bag)
    assert result.exit_code == 2
    assert "events.yaml" in result.stderr
    assert (bag / EVENTS).read_text(encoding="utf-8") == "events: [unclosed\n"


@pytest.mark.parametrize("text", ["events: [unclosed\n", "events:\n  - outcome: \"pass\"\n", "just text\n",
                                  "events:\n  - &a {type: x}\n  - *a\n"])
def test_validate_reports_an_events_file_that_is_not_a_list_of_events_a013(bag, text):
    (bag / EVENTS).write_text(text, encoding="utf-8")
    result = run("validate", bag, "--format", "json")
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert "A013" in codes and result.exit_code == 1


def test_validate_accepts_the_events_archiver_writes(seeds_copy, bag):
    _change(seeds_copy)
    run("bag", seeds_copy, "-o", bag, "--update", "--quiet")
    assert run("fixity", bag).exit_code == 0
    result = run("validate", bag, "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["findings"] == []


def test_an_update_after_fixity_still_carries_files_over_and_keeps_the_trail(seeds_copy, bag):
    assert run("fixity", bag, "--quiet").exit_code == 0
    (seeds_copy / "zz-added.txt").write_text("Added headline\n\nBody.\n", encoding="utf-8")
    result = run("bag", seeds_copy, "-o", bag, "--update")
    assert "(5 unchanged, carried over)" in result.stdout     # the state followed the new tag manifests
    assert [e["type"] for e in events_of(bag)] == ["creation", "fixity check", "modification"]
    assert run("validate", bag).exit_code == 0
    coreutils_check(bag)


def test_a_state_that_no_longer_matched_is_not_restamped_by_fixity(seeds_copy, bag):
    # Written to after archiver wrote it: the state must not be made to vouch for it.
    with open(bag / "tagmanifest-sha512.txt", "ab") as fh:
        fh.write(b"")
    (bag / "tagmanifest-sha512.txt").touch()
    assert run("fixity", bag, "--quiet").exit_code == 0
    result = run("bag", seeds_copy, "-o", bag, "--update")
    assert "(0 unchanged, carried over)" in result.stdout
    assert run("validate", bag).exit_code == 0


def test_fixity_never_writes_through_a_link(bag, tmp_path):
    outside = tmp_path / "outside"
    (bag / "metadata").rename(outside)
    (bag / "metadata").symlink_to(outside)
    before = tree_digest(outside)
    result = run("fixity", bag)
    assert result.exit_code == 2 and "symbolic link" in result.stderr
    assert tree_digest(outside) == before
