"""archiver validate in CI: several bags in one call, JSON on stdout whatever happens, GitHub annotations,
and the workflow of docs/ci.md (each bag validated once)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from bagbuild import build
from conftest import REPO, run

SUMMARY = re.compile(r"^(VALID|INVALID|NOT VALIDATED): ")


@pytest.fixture
def bags(seeds_copy, tmp_path):
    """bags/: a valid directory bag, a valid .tar.gz, and a directory bag with a tampered payload file."""
    root = tmp_path / "bags"
    assert run("bag", seeds_copy, "-o", root / "good", "--quiet").exit_code == 0
    assert run("bag", seeds_copy, "-o", root / "packed", "--archive", "tar.gz", "--quiet").exit_code == 0
    assert run("bag", seeds_copy, "-o", root / "tampered", "--quiet").exit_code == 0
    target = sorted((root / "tampered" / "data").iterdir())[0]
    target.write_bytes(target.read_bytes().replace(b"e", b"E", 1))
    return root


def _summaries(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if SUMMARY.match(line)]


def test_several_bags_one_summary_line_each_in_order(bags):
    paths = [bags / "good", bags / "packed.tar.gz", bags / "tampered"]
    result = run("validate", *paths)
    assert result.exit_code == 1
    summaries = _summaries(result.stdout)
    assert [s.split(": ")[1] for s in summaries] == [str(p) for p in paths]
    assert [s.split(":")[0] for s in summaries] == ["VALID", "VALID", "INVALID"]
    assert run("validate", bags / "good", bags / "packed.tar.gz").exit_code == 0


def test_a_path_that_cannot_be_validated_gives_exit_2_and_the_others_are_still_validated(bags, tmp_path):
    rar = tmp_path / "x.rar"
    rar.write_bytes(b"Rar!\x1a\x07\x00")
    result = run("validate", bags / "tampered", rar, bags / "good")
    assert result.exit_code == 2
    assert [s.split(":")[0] for s in _summaries(result.stdout)] == ["INVALID", "NOT VALIDATED", "VALID"]
    assert str(rar) in result.stderr


def test_json_for_several_bags_is_one_document_with_a_report_each(bags):
    result = run("validate", "--format", "json", bags / "good", bags / "tampered", bags / "nope")
    doc = json.loads(result.stdout)
    assert result.exit_code == 2 and doc["exit_code"] == 2 and doc["valid"] is False
    assert [b["path"] for b in doc["bags"]] == [str(bags / n) for n in ("good", "tampered", "nope")]
    good, tampered, nope = doc["bags"]
    assert good["valid"] and not good["findings"]
    assert "B015" in {f["code"] for f in tampered["findings"]}
    assert nope["error"] and not nope["valid"]
    assert doc["counts"] == {"bags": 3, "valid": 1, "invalid": 1, "not_validated": 1}


def test_json_for_one_bag_keeps_its_report_at_the_top_level(bags):
    doc = json.loads(run("validate", "--format", "json", bags / "tampered").stdout)
    assert doc["bags"][0]["findings"] == doc["findings"] and doc["path"] == str(bags / "tampered")
    assert doc["valid"] is False and doc["exit_code"] == 1


@pytest.mark.parametrize("args", [
    ["--format", "json", "--no-such-option", "x"],
    ["--format", "json"],                                  # no PATH
    ["--format=json", "--jobs", "0", "x"],                 # a value out of range
    ["x", "--format", "json", "--profile"],                # an option without its value
])
def test_json_is_written_even_on_a_usage_error(args):
    result = run("validate", *args)
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["valid"] is False and doc["exit_code"] == 2 and doc["bags"] == []
    assert doc["error"] and doc["error"] in result.stderr


def test_without_json_a_usage_error_is_clicks_text_on_stderr():
    result = run("validate", "--no-such-option", "x")
    assert result.exit_code == 2 and result.stdout == "" and "No such option" in result.stderr


def test_json_names_an_unusable_profile_by_its_own_path(bags, tmp_path):
    profile = tmp_path / "profile.json"
    profile.write_text("{", encoding="utf-8")
    result = run("validate", "--format", "json", "--profile", profile, bags / "good")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"].startswith(f"{profile}: ")


def _annotations(stdout: str) -> list[tuple[str, dict, str]]:
    out = []
    for line in stdout.splitlines():
        m = re.match(r"^::(error|warning) ([^:]*)::(.*)$", line)
        if m:
            props = dict(p.split("=", 1) for p in m.group(2).split(","))
            out.append((m.group(1), props, m.group(3)))
    return out


def test_github_annotations_name_the_file_and_the_code(bags):
    result = run("validate", "--format", "github", bags / "good", bags / "tampered")
    assert result.exit_code == 1
    notes = _annotations(result.stdout)
    doc = json.loads(run("validate", "--format", "json", bags / "tampered").stdout)
    expected = [("error" if f["severity"] == "error" else "warning",
                 f"{bags / 'tampered'}/{f['path']}" if f["path"] else str(bags / "tampered"), f["code"])
                for f in doc["findings"]]
    assert [(level, props["file"], props["title"]) for level, props, _ in notes] == expected
    assert [s.split(":")[0] for s in _summaries(result.stdout)] == ["VALID", "INVALID"]
    # nothing else is printed: every line is an annotation or a summary
    assert len(result.stdout.splitlines()) == len(notes) + 2


def test_github_annotations_of_an_archive_name_the_archive_and_the_member(bags, tmp_path):
    packed = tmp_path / "broken.tar.gz"
    shutil.copy(bags / "packed.tar.gz", packed)
    data = bytearray(packed.read_bytes())
    data[len(data) // 2] ^= 0xFF
    packed.write_bytes(bytes(data))
    result = run("validate", "--format", "github", packed)
    assert result.exit_code == 1
    notes = _annotations(result.stdout)
    assert notes and all(props["file"] == str(packed) for _, props, _ in notes)


def test_github_annotations_cannot_be_forged_by_a_file_name(tmp_path):
    """A name holding a line break and '::' stays inside its own annotation."""
    bag = build(tmp_path / "bag", {"a.txt": b"a"},
                extra_lines={"sha256": ["0" * 64 + "  data/x%0A::warning file=evil::forged"]})
    result = run("validate", "--format", "github", bag)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert all(line.startswith(("::error ", "::warning ")) or SUMMARY.match(line) for line in lines)
    assert not any("forged" in line and line.startswith("::warning file=evil") for line in lines)
    assert any("%0A%3A%3Awarning file=evil%3A%3Aforged" in line for line in lines)


def _workflow_runs() -> list[str]:
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```yaml\n(.*?)```", text, re.S)
    steps = yaml.safe_load(block)["jobs"]["validate"]["steps"]
    return [s["run"] for s in steps if "run" in s]


def test_the_workflow_in_docs_ci_md_validates_each_bag_once(bags):
    """The documented step is run as written, in a shell, on a bags/ directory: one call of
    archiver validate, one summary line per bag, exit 1 for the tampered one."""
    [step] = [r for r in _workflow_runs() if "archiver validate" in r]
    assert step.count("archiver validate") == 1 and "for " not in step
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(["bash", "-c", step], cwd=bags.parent, env=env, capture_output=True, text=True)
    assert proc.returncode == 1
    assert [s.split(": ")[1] for s in _summaries(proc.stdout)] == \
        ["bags/good", "bags/packed.tar.gz", "bags/tampered"]


def test_the_jq_examples_in_docs_ci_md_read_the_json(bags):
    if shutil.which("jq") is None:          # .ci/run installs it: there a missing jq fails the test
        (pytest.fail if os.environ.get("CI") else pytest.skip)("needs jq (apt-get install jq)")
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    assert len(blocks) == 2
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
    for block in blocks:
        proc = subprocess.run(["bash", "-c", block], cwd=bags.parent, env=env, capture_output=True, text=True)
        assert proc.returncode == 1, proc.stderr
        assert "bags/tampered" in proc.stdout and "jq: error" not in proc.stderr
