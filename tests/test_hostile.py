"""Regression tests for the faults hostile testing found (issue 16): each builds the hostile input on
real files and runs the real code path (the CLI, or the Python API where the CLI adds nothing)."""
from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from archiver.validate import bagit_rules, validate_path
from archiver.validate.findings import CODES, EXCERPT
from bagbuild import build, digest, retag
from conftest import run


def validate_json(path, *args) -> tuple[int, dict]:
    result = run("validate", path, "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


# --- 1. YAML aliases in provenance records; findings quote a short excerpt ------------------------------

def alias_bomb(levels: int, width: int) -> str:
    """A provenance record whose source path is `width ** levels` strings, written with nested aliases
    in a few hundred bytes (the 'billion laughs' of YAML)."""
    lines = ['record: "archiver/provenance/1"', f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for n in range(1, levels):
        lines.append(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * width)}]")
    lines += ["source:", f"  path: *l{levels - 1}", "  bytes: 1",
              f'  sha256: "{"0" * 64}"', f'  sha512: "{"0" * 128}"']
    return "\n".join(lines) + "\n"


def test_record_with_yaml_aliases_is_refused_not_expanded(seeds_bag):
    record = sorted((seeds_bag / "metadata" / "provenance").glob("*.yaml"))[0]
    bomb = alias_bomb(levels=5, width=10)          # 100,000 strings in well under 1 KB
    assert len(bomb) < 1024
    record.write_text(bomb)
    retag(seeds_bag)
    code, doc = validate_json(seeds_bag)
    assert code == 1
    rel = record.relative_to(seeds_bag).as_posix()
    about = [f for f in doc["findings"] if f["path"] == rel]
    assert [f["code"] for f in about] == ["A004"]
    assert "alias" in about[0]["message"]
    # No finding quotes the expansion (before the fix: an A003 of ~700 KB naming every string).
    assert max(len(f["message"]) for f in doc["findings"]) < 1000


def test_findings_quote_a_short_excerpt_of_a_huge_field(tmp_path):
    bag = tmp_path / "bag"
    name = "../" + "x" * 100_000
    build(bag, {"a.txt": b"A"}, extra_lines={"sha256": [f"{digest('sha256', b'A')}  {name}"]})
    report = validate_path(bag)
    [outside] = [f for f in report.findings if f.code == "B008"]
    assert len(outside.message) < 2 * EXCERPT
    quoted = f"{name} ({bagit_rules.safe_path(name)})"      # what B008 quotes: the name and why it is outside
    assert f"({len(quoted):,} characters)" in outside.message
    assert outside.message.startswith("line 2 names a path outside the bag: ")
    assert "../" + "x" * (EXCERPT - 3) in outside.message


# --- 2. payload only in fetch.txt and absent: not complete, hence not valid -------------------------------

def test_bag_whose_payload_is_only_in_fetch_txt_is_invalid(tmp_path):
    bag = build(tmp_path / "holey", {"a.txt": b"A", "b.txt": b"B"}, bag_info="Bagging-Date: 2024-01-01\n")
    for name in ("a.txt", "b.txt"):
        (bag / "data" / name).unlink()
    (bag / "fetch.txt").write_text("https://example.org/a.txt 1 data/a.txt\nhttps://example.org/b.txt - data/b.txt\n")
    retag(bag)
    result = run("validate", bag)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split()[:3] for line in lines[:-1]] == [["ERROR", "B023", "data/a.txt:"],
                                                         ["ERROR", "B023", "data/b.txt:"]]
    assert all("archiver never fetches" in line for line in lines[:-1])
    assert lines[-1].startswith(f"INVALID: {bag}: 2 errors")


# --- 3. bag-info.txt parsed in linear time ---------------------------------------------------------------

GENEROUS = 120   # seconds for a validation that takes well under one; the quadratic parser took hours


def validate_in_child(bag: Path) -> dict:
    """`archiver validate --format json` in a child process that may not run longer than GENEROUS
    seconds (a hang or a quadratic parse is a failure, not a stuck test run)."""
    proc = subprocess.run([sys.executable, "-m", "archiver", "validate", "--format", "json", str(bag)],
                          capture_output=True, text=True, timeout=GENEROUS)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def test_a_megabyte_line_of_spaces_in_bag_info_is_one_finding(tmp_path):
    line = "Label" + " " * (1 << 20)         # no colon: the old pattern backtracked over every space
    bag = build(tmp_path / "bag", {"a.txt": b"A"}, bag_info=f"Payload-Oxum: 1.1\n{line}\n")
    doc = validate_in_child(bag)
    assert [(f["code"], f["path"]) for f in doc["findings"]] == [("B017", "bag-info.txt")]
    assert doc["findings"][0]["message"].startswith("bag-info.txt line 2 is not 'Label: value': 'Label ")


def test_a_megabyte_of_continuation_lines_in_bag_info_is_one_value(tmp_path):
    pieces = (1 << 20) // 3                 # lines of " 1": each one continues Payload-Oxum's value
    bag = build(tmp_path / "bag", {"a.txt": b"A"}, bag_info="Payload-Oxum: 1\n" + " 1\n" * pieces)
    doc = validate_in_child(bag)
    assert [f["code"] for f in doc["findings"]] == ["B018"]     # '1 1 1 …' is not '<bytes>.<files>'
    value = " ".join(["1"] * (pieces + 1))
    assert f"({len(value):,} characters)" in doc["findings"][0]["message"]


# --- 4. a Tag-File-Character-Encoding that is not a character encoding -----------------------------------

@pytest.mark.parametrize("codec", ["base64", "zlib", "rot13", "hex", "quopri"])
def test_a_codec_that_is_not_a_text_encoding_is_a_finding(tmp_path, codec):
    bagit_txt = f"BagIt-Version: 1.0\nTag-File-Character-Encoding: {codec}\n".encode()
    bag = build(tmp_path / "bag", {"a.txt": b"A"}, bagit_txt=bagit_txt)
    code, doc = validate_json(bag)               # before: a traceback from the codec
    assert code == 1
    assert [(f["code"], f["path"]) for f in doc["findings"]] == [("B033", "bagit.txt")]
    assert repr(codec) in doc["findings"][0]["message"]


def test_a_text_encoding_that_fails_to_decode_is_a_finding(tmp_path):
    # UTF-16 without a byte-order mark raises UnicodeError, not UnicodeDecodeError.
    bagit_txt = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-16\n"
    bag = build(tmp_path / "bag", {"a.txt": b"A"}, bagit_txt=bagit_txt)
    code, doc = validate_json(bag)
    assert code == 1
    assert {(f["code"], f["path"]) for f in doc["findings"]} >= {("B025", "bag-info.txt"),
                                                                 ("B025", "manifest-sha256.txt")}


# --- 5. validate never opens a file that is not regular -------------------------------------------------

@pytest.fixture
def alarm():
    """Fail (rather than hang the test run) when the test blocks for GENEROUS seconds. The test may
    add to the yielded list functions that release what blocks (run first, e.g. opening a FIFO's
    other end, so that worker processes stuck on it end too)."""
    releases = []

    def expired(signum, frame):
        signal.alarm(1)    # again, should the code under test swallow this failure and block anew
        for release in releases:
            release()
        pytest.fail(f"blocked for {GENEROUS} s")   # not an OSError, which the code under test catches
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(GENEROUS)
    yield releases
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


SWAPPED = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha512.txt",
           "data/001_0fd100e6b7384ea1.txt", "metadata/provenance/001_0fd100e6b7384ea1.txt.yaml",
           "metadata/dublin-core.xml", "metadata/dublin-core.csv"]


@pytest.mark.parametrize("rel", SWAPPED)
def test_a_file_replaced_by_a_fifo_after_the_walk_is_a_finding_not_a_hang(seeds_bag, monkeypatch, alarm, rel):
    target = seeds_bag / rel
    assert target.is_file()
    walk = bagit_rules.walk

    def walk_then_swap(state):   # the bag is walked as it is, then the file becomes a FIFO
        walk(state)
        target.unlink()
        os.mkfifo(target)

    monkeypatch.setattr(bagit_rules, "walk", walk_then_swap)
    code, doc = validate_json(seeds_bag)
    assert code == 1
    about = [f for f in doc["findings"] if f["path"] == rel and f["code"] == "B028"]
    assert about and "not a regular file" in about[0]["message"]


def test_a_fifo_in_the_bag_from_the_start_is_a_finding(seeds_bag, alarm):
    rel = "metadata/provenance/001_0fd100e6b7384ea1.txt.yaml"
    (seeds_bag / rel).unlink()
    os.mkfifo(seeds_bag / rel)
    code, doc = validate_json(seeds_bag)
    assert code == 1 and ("B022", rel) in {(f["code"], f["path"]) for f in doc["findings"]}


# --- 6. bag: a source file swapped for a link or a FIFO after the walk ------------------------------------

def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir()) if parent.exists() else []


def corpus(root: Path, files: int) -> Path:
    root.mkdir()
    for i in range(files):
        (root / f"{i:03d}.txt").write_text(f"Article {i}\n\nBy A. Writer\n\nText of article {i}.\n")
    return root


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("swap", ["symlink", "fifo"])
def test_a_source_file_swapped_after_the_walk_is_refused_and_named(tmp_path, monkeypatch, alarm, swap, jobs):
    # 100 files: with --jobs 2 they are read in worker processes (more than workers.SERIAL_FILES).
    src = corpus(tmp_path / "src", 100)
    secret = tmp_path / "secret.txt"
    secret.write_text("outside SOURCE\n")
    victim = src / "042.txt"
    from archiver import bag
    discover = bag.discover

    def discover_then_swap(*args, **kwargs):   # SOURCE is walked as it is; then the file is replaced
        found = discover(*args, **kwargs)
        victim.unlink()
        if swap == "symlink":
            victim.symlink_to(secret)
        else:
            os.mkfifo(victim)
        return found

    def release_readers():   # a process blocked opening the FIFO goes on (and reads nothing)
        try:
            os.close(os.open(victim, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass

    alarm.append(release_readers)
    monkeypatch.setattr(bag, "discover", discover_then_swap)
    out = tmp_path / "out" / "bag"
    result = run("bag", src, "-o", out, "--jobs", jobs)
    assert result.exit_code == 2, result.stderr          # bad input (README, Exit codes)
    assert "042.txt" in result.stderr and ("symbolic link" if swap == "symlink" else "FIFO") in result.stderr
    assert not out.exists() and leftovers(tmp_path / "out") == []


# --- 7. names bag would write but validate reject; SOURCE_DATE_EPOCH out of range ---------------------

BREAKS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def test_names_with_other_line_breaks_are_refused_up_front(tmp_path):
    src = tmp_path / "src"
    (src / "sub\u2028dir").mkdir(parents=True)
    (src / "ok.txt").write_text("Fine\n")
    (src / "sub\u2028dir" / "inner.txt").write_text("In a directory whose name breaks lines\n")
    for i, c in enumerate(BREAKS):
        (src / f"name{i}{c}x.txt").write_text(f"Article {i}\n")
    out = tmp_path / "out" / "bag"
    result = run("bag", src, "-o", out)
    assert result.exit_code == 2
    assert f"{len(BREAKS) + 1} entries cannot be bagged" in result.stderr
    for i, c in enumerate(BREAKS):
        assert f"name{i}\\u{ord(c):04x}x.txt (file name holds a character" in result.stderr
    assert "sub\\u2028dir (file name holds a character" in result.stderr
    assert not any(c in result.stderr for c in BREAKS)    # shown escaped, one refusal a line
    assert leftovers(tmp_path / "out") == []


def test_every_name_bag_accepts_validates(tmp_path):
    # What bag does not refuse, validate accepts: the awkward names that remain allowed.
    src = tmp_path / "src"
    src.mkdir()
    for i, name in enumerate(["line\nbreak.txt", "carriage\rreturn.txt", "tab\there.txt", "%0A.txt",
                              "nbsp\u00a0x.txt", "zero\u200bwidth.txt", "bell\x07.txt", "esc\x1b.txt",
                              "us\x1f.txt", "nel-less\u0084.txt"]):
        (src / name).write_text(f"Article {i}\n")
    out = tmp_path / "bag"
    assert run("bag", src, "-o", out).exit_code == 0
    code, doc = validate_json(out)
    assert code == 0, doc["findings"]


def test_names_equal_after_normalization_are_refused_naming_both(tmp_path):
    import unicodedata
    src = tmp_path / "src"
    src.mkdir()
    nfc, nfd = unicodedata.normalize("NFC", "caf\u00e9.txt"), unicodedata.normalize("NFD", "caf\u00e9.txt")
    assert nfc != nfd
    (src / nfc).write_text("one\n")
    (src / nfd).write_text("two\n")
    result = run("bag", src, "-o", tmp_path / "out" / "bag")
    assert result.exit_code == 2
    assert repr(nfc) in result.stderr and repr(nfd) in result.stderr
    assert "equal after Unicode normalization" in result.stderr
    assert leftovers(tmp_path / "out") == []


@pytest.mark.parametrize("length", [250, 251, 255])
def test_names_too_long_for_their_record_are_refused_up_front(tmp_path, length):
    from archiver.bagit_names import NAME_MAX, RECORD_SUFFIX
    src = tmp_path / "src"
    src.mkdir()
    name = "\u00e9" * ((length - 4) // 2) + "x" * ((length - 4) % 2) + ".txt"     # é is 2 bytes
    assert len(name.encode()) == length
    (src / name).write_text("Long name\n")
    out = tmp_path / "out" / "bag"
    result = run("bag", src, "-o", out)
    if length + len(RECORD_SUFFIX) <= NAME_MAX:
        assert result.exit_code == 0, result.stderr
        assert validate_json(out)[0] == 0
    else:
        assert result.exit_code == 2
        assert f"{name} (file name of {length} bytes" in result.stderr
        assert ".partial" not in result.stderr             # before: a temporary path was named
        assert leftovers(tmp_path / "out") == []


@pytest.mark.parametrize("epoch", ["-1", "-86400", str(1 << 32), "99999999999"])
@pytest.mark.parametrize("fmt", ["tar.gz", "zip"])
def test_source_date_epoch_outside_1970_to_2106_is_a_clear_error(seeds_copy, tmp_path, monkeypatch, epoch, fmt):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = run("bag", seeds_copy, "-o", tmp_path / "out" / "bag", "--archive", fmt)
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH must be from 0" in result.stderr and repr(epoch) in result.stderr
    assert leftovers(tmp_path / "out") == []


@pytest.mark.parametrize("epoch", ["0", str((1 << 32) - 1)])
def test_source_date_epoch_at_both_ends_gives_an_archive_that_validates(seeds_copy, tmp_path, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    out = tmp_path / "bag"
    assert run("bag", seeds_copy, "-o", out, "--archive", "tar.gz", "--quiet").exit_code == 0
    assert validate_json(tmp_path / "bag.tar.gz")[0] == 0


# --- 8. temporary files beside OUTPUT: never by a name a planted link could redirect -------------------

@pytest.mark.parametrize("update", [False, True])
def test_a_link_planted_at_the_state_files_temporary_name_is_never_written_through(seeds_copy, tmp_path, update):
    out = tmp_path / "out" / "seeds"
    out.parent.mkdir()
    if update:
        assert run("bag", seeds_copy, "-o", out, "--quiet").exit_code == 0
        (seeds_copy / "000_a1b928136f395d30.txt").write_text("Edited since the first bag\n")
    victim = tmp_path / "precious.txt"
    victim.write_bytes(b"not archiver's to overwrite\n")
    planted = out.parent / f".{out.name}.archiver-state.partial"   # the name archiver used to write
    planted.symlink_to(victim)
    args = ["--update"] if update else []
    assert run("bag", seeds_copy, "-o", out, "--quiet", *args).exit_code == 0
    assert victim.read_bytes() == b"not archiver's to overwrite\n"
    assert planted.is_symlink()                                       # left alone, not followed
    state = out.parent / f".{out.name}.archiver-state"
    assert state.is_file() and not state.is_symlink()
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(
        [out.name, planted.name, state.name] + ([f".{out.name}.archiver-spare"] if update else []))
    assert validate_json(out)[0] == 0


# --- 8b. no recursion on depth --------------------------------------------------------------------------

DEPTH = 1000   # the default recursion limit is 1,000 frames


@pytest.fixture
def deep_tmp(tmp_path):
    """tmp_path, emptied at the end without recursion (pytest's own clean-up would recurse)."""
    yield tmp_path
    from archiver.bagit_names import remove_tree
    for child in tmp_path.iterdir():
        remove_tree(child)


def test_a_source_1000_directories_deep_is_bagged_archived_and_validated(deep_tmp):
    src = deep_tmp / "src"
    leaf = Path(src, *["d"] * DEPTH)
    path = src
    for _ in range(DEPTH + 1):             # os.makedirs would itself recurse once per level
        path.mkdir()
        path = path / "d"
    (leaf / "deep.txt").write_text("At the bottom\n")
    out = deep_tmp / "out" / "bag"
    for args in ([], ["--force"], ["--update"]):
        result = run("bag", src, "-o", out, "--quiet", *args)
        assert result.exit_code == 0, result.stderr
        assert validate_json(out)[0] == 0
    for fmt in ("tar.gz", "zip"):
        result = run("bag", src, "-o", deep_tmp / "out" / "archived", "--quiet", "--archive", fmt)
        assert result.exit_code == 0, result.stderr
        code, doc = validate_json(deep_tmp / "out" / f"archived.{fmt}")
        assert code == 0 and doc["summary"]["payload_files"] == 1
    assert sorted(p.name for p in (deep_tmp / "out").iterdir()) == [
        ".bag.archiver-spare", ".bag.archiver-state", "archived.tar.gz", "archived.zip", "bag"]


def test_records_of_a_source_1000_directories_deep_are_written(deep_tmp):
    src = deep_tmp / "src"
    path = src
    for _ in range(DEPTH + 1):
        path.mkdir()
        path = path / "d"
    (path.parent / "deep.txt").write_text("At the bottom\n")
    out = deep_tmp / "records"
    assert run("manifest", src, "-o", out).exit_code == 0
    assert Path(out, *["d"] * DEPTH, "deep.txt.yaml").is_file()
    assert run("manifest", src, "-o", out, "--check").exit_code == 0


# --- 9. one run per OUTPUT at a time ---------------------------------------------------------------------

@pytest.mark.parametrize("args", [["--update"], ["--force"]])
def test_a_second_run_on_a_locked_output_is_refused_naming_lock_and_holder(seeds_copy, tmp_path, args):
    import fcntl
    out = tmp_path / "out" / "seeds"
    assert run("bag", seeds_copy, "-o", out, "--quiet").exit_code == 0
    before = sorted(p.name for p in out.parent.iterdir())
    lock = out.parent / f".{out.name}.archiver-lock"
    with open(lock, "w") as held:                # another run, writing this OUTPUT
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("4242\n")
        held.flush()
        result = run("bag", seeds_copy, "-o", out, "--quiet", *args)
        assert result.exit_code == 2
        assert str(lock) in result.stderr and "pid 4242" in result.stderr
        assert sorted(p.name for p in out.parent.iterdir()) == sorted(before + [lock.name])
    lock.unlink()
    assert run("bag", seeds_copy, "-o", out, "--quiet", *args).exit_code == 0     # released: runs, and
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(                 # leaves no lock behind
        set(before) | ({f".{out.name}.archiver-spare"} if args == ["--update"] else set()))


def test_a_link_at_the_lock_files_name_is_never_followed(seeds_copy, tmp_path):
    out = tmp_path / "out" / "seeds"
    out.parent.mkdir()
    victim = tmp_path / "precious.txt"
    victim.write_bytes(b"keep\n")
    (out.parent / f".{out.name}.archiver-lock").symlink_to(victim)
    result = run("bag", seeds_copy, "-o", out, "--quiet")
    assert result.exit_code == 2 and "lock file" in result.stderr
    assert victim.read_bytes() == b"keep\n" and not out.exists()


# --- 10. partial directories a killed run left beside OUTPUT ----------------------------------------------

@pytest.mark.parametrize("args", [[], ["--force"], ["--update"]])
def test_stale_partials_archiver_marked_are_removed_and_look_alikes_kept(seeds_copy, tmp_path, args):
    out = tmp_path / "out" / "seeds"
    if args:
        assert run("bag", seeds_copy, "-o", out, "--quiet").exit_code == 0
    else:
        out.parent.mkdir()
    stale = out.parent / f".{out.name}.partial-k1ll3d"          # what a killed run leaves
    (stale / out.name / "data").mkdir(parents=True)
    (stale / out.name / "data" / "a.txt").write_text("half a bag\n")
    (stale / ".archiver-partial").write_text("99999\n")
    alike = out.parent / f".{out.name}.partial-mine"            # same pattern, not archiver's
    (alike / "data").mkdir(parents=True)
    (alike / "data" / "b.txt").write_text("someone's work\n")
    faked = out.parent / f".{out.name}.partial-linked"          # a marker that is a link: not archiver's
    faked.mkdir()
    (faked / ".archiver-partial").symlink_to(tmp_path / "nowhere")
    assert run("bag", seeds_copy, "-o", out, "--quiet", *args).exit_code == 0
    assert not stale.exists()
    assert (alike / "data" / "b.txt").read_text() == "someone's work\n"
    assert (faked / ".archiver-partial").is_symlink()
    assert not [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.partial-")
                and p not in (alike, faked)]
    assert validate_json(out)[0] == 0


def test_the_partial_of_a_run_in_progress_is_marked(seeds_copy, tmp_path, monkeypatch):
    from archiver import bag
    out = tmp_path / "out" / "seeds"
    seen = []
    write_bag = bag._write_bag

    def look(corpus, bag_dir, *args, **kwargs):
        seen.append((bag_dir.parent / ".archiver-partial").read_text())
        return write_bag(corpus, bag_dir, *args, **kwargs)
    monkeypatch.setattr(bag, "_write_bag", look)
    assert run("bag", seeds_copy, "-o", out, "--quiet").exit_code == 0
    assert seen == [f"{os.getpid()}\n"]


# --- 11. a worker process killed (the OOM killer's SIGKILL) ------------------------------------------------

def die_in_a_worker(parent: int, func):
    """`func`, except in a worker process (not `parent`), which is killed as the OOM killer would."""
    def dying(*args, **kwargs):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return func(*args, **kwargs)
    return dying


def test_a_killed_worker_ends_bag_with_a_clear_error_and_nothing_left(tmp_path, monkeypatch, alarm):
    from archiver import bag
    src = corpus(tmp_path / "src", 100)           # 100 files and --jobs 2: read in worker processes
    monkeypatch.setattr(bag, "process_chunk", die_in_a_worker(os.getpid(), bag.process_chunk))
    out = tmp_path / "out" / "bag"
    result = run("bag", src, "-o", out, "--jobs", "2")
    assert result.exit_code == 1, result.stderr
    assert "worker process died" in result.stderr and "Traceback" not in result.stderr
    assert "BrokenProcessPool" not in result.stderr
    assert leftovers(tmp_path / "out") == []


def hash_chunk_dying_in_a_worker(*args):
    # At module level, so that the pool can send it to a worker by name.
    if os.getpid() != PARENT[0]:
        os.kill(os.getpid(), signal.SIGKILL)
    return HASH_CHUNK[0](*args)


PARENT, HASH_CHUNK = [], []


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_killed_worker_leaves_validate_undecided(tmp_path, monkeypatch, alarm, fmt):
    from archiver.validate import hashing
    bag = build(tmp_path / "bag", {f"{i:03d}.txt": f"file {i}\n".encode() for i in range(600)})
    monkeypatch.setattr(sys.modules[__name__], "PARENT", [os.getpid()])
    monkeypatch.setattr(sys.modules[__name__], "HASH_CHUNK", [hashing._hash_chunk])
    monkeypatch.setattr(hashing, "_hash_chunk", hash_chunk_dying_in_a_worker)
    result = run("validate", bag, "--jobs", "2", "--format", fmt)
    assert result.exit_code == 2, result.stderr        # could not decide: neither valid nor invalid
    assert "worker process died" in result.stderr and "Traceback" not in result.stderr
    if fmt == "json":
        assert json.loads(result.stdout)["bags"][0]["error"].startswith("a worker process died")


# --- 12. archives of many empty members: every member counts against the unpacking limits -------------

def test_a_tar_of_many_empty_directories_is_refused_as_a_bomb_quickly(tmp_path, monkeypatch, alarm):
    import io
    import tarfile

    from archiver import serialize
    monkeypatch.setattr(serialize, "BASE_ALLOWANCE", 0)     # the byte limit: 10 times the archive's size
    monkeypatch.setattr(serialize, "EXPANSION", 10)
    path = tmp_path / "dirs.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        data = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
        ti = tarfile.TarInfo("bag/bagit.txt")
        ti.size = len(data)
        tar.addfile(ti, io.BytesIO(data))
        for i in range(20_000):                                   # no bytes, but 20,000 directories
            ti = tarfile.TarInfo(f"bag/data/{i:06d}")
            ti.type = tarfile.DIRTYPE
            tar.addfile(ti)
    limit = path.stat().st_size * serialize.EXPANSION
    assert limit < 1_000 * serialize.MEMBER_COST
    made = []
    make_dir = serialize._Unpacker.make_dir
    monkeypatch.setattr(serialize._Unpacker, "make_dir", lambda self, name: made.append(name) or make_dir(self, name))
    code, doc = validate_json(path)
    assert code == 1
    assert [f["code"] for f in doc["findings"]] == ["S005"]
    assert f"more than {limit} bytes" in doc["findings"][0]["message"]
    assert len(made) < 1_000                                      # refused early, not after making them all


def test_a_zip_declaring_more_members_than_the_limit_is_refused_before_its_directory_is_read(tmp_path, monkeypatch):
    import zipfile

    from archiver import serialize
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        for i in range(2_000):
            zf.writestr(f"bag/data/{i:05d}.txt", "")          # empty files: no bytes at all
    monkeypatch.setattr(serialize, "MAX_MEMBERS", 1_000)

    def never(*args, **kwargs):
        raise AssertionError("the central directory was read whole")
    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", never)
    code, doc = validate_json(path)
    assert code == 1
    assert [f["code"] for f in doc["findings"]] == ["S007"]
    assert "more than 1000 members" in doc["findings"][0]["message"]


# --- 13. a manifest naming a million missing files: findings capped per code -----------------------------

@pytest.mark.parametrize("fast", [[], ["--fast"]])       # --fast reads the two manifests in worker processes
def test_findings_of_one_code_are_capped_with_a_summary(tmp_path, monkeypatch, fast):
    from archiver.validate import findings
    monkeypatch.setattr(findings, "FINDINGS_PER_CODE", 100)
    missing = 50_000
    names = [f"data/missing-{i:06d}.txt" for i in range(missing)]
    bag = build(tmp_path / "bag", {"a.txt": b"A"},
                extra_lines={alg: [f"{digest(alg, b'')}  {n}" for n in names] for alg in ("sha256", "sha512")})
    code, doc = validate_json(bag, *fast)
    assert code == 1
    b013 = [f for f in doc["findings"] if f["code"] == "B013"]
    assert len(b013) == 101 and all(f["path"] in names for f in b013[:100])
    assert b013[100] == {"code": "B013", "severity": "error", "path": None, "rule": "RFC 8493 §3",
                         "message": f"and {2 * missing - 100:,} more findings of code B013, not listed "
                                    "(only the first 100 of each code are)"}
    text = run("validate", bag, *fast).stdout.splitlines()
    assert len(text) == 102 and text[-2].startswith(f"ERROR B013 and {2 * missing - 100:,} more findings")


# --- 14. a write error on the output blames the output, not the source -----------------------------------

class _FullDisk:
    """A payload copy whose writes fail as on a full disk (or a file grown too large)."""

    def __init__(self, fh, err: int):
        self._fh, self._err = fh, err

    def write(self, data):
        raise OSError(self._err, os.strerror(self._err))

    def __getattr__(self, name):
        return getattr(self._fh, name)


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EFBIG])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_write_error_on_the_output_names_the_output_not_the_source(tmp_path, monkeypatch, alarm, err, jobs):
    from archiver import reader
    src = corpus(tmp_path / "src", 100)
    open_new = reader.open_new
    monkeypatch.setattr(reader, "open_new", lambda dest: _FullDisk(open_new(dest), err))
    out = tmp_path / "out" / "bag"
    result = run("bag", src, "-o", out, "--jobs", jobs)
    assert result.exit_code == 1, result.stderr                   # the output could not be written (README)
    assert result.stderr.startswith(f"archiver: error: {out}: cannot write: {os.strerror(err)}")
    assert "cannot read" not in result.stderr
    assert leftovers(tmp_path / "out") == []


# --- 15. an archive whose only member is a file -----------------------------------------------------------

@pytest.mark.parametrize("fmt", ["tar", "tar.gz", "zip"])
def test_an_archive_of_one_file_is_not_one_top_level_directory(tmp_path, fmt):
    import tarfile
    import zipfile
    path = tmp_path / f"single.{fmt}"
    data = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    (tmp_path / "bagit.txt").write_bytes(data)
    if fmt == "zip":
        with zipfile.ZipFile(path, "w") as zf:
            zf.write(tmp_path / "bagit.txt", "bagit.txt")
    else:
        with tarfile.open(path, "w:gz" if fmt == "tar.gz" else "w") as tar:
            tar.add(tmp_path / "bagit.txt", "bagit.txt")
    result = run("validate", path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ERROR S004 the archive must hold exactly one top-level directory (found bagit.txt (a file)) "
        f"[{CODES['S004'][1]}]",
        f"INVALID: {path}: 1 error, 0 warnings"]
    code, doc = validate_json(path)
    assert code == 1 and [(f["code"], f["path"]) for f in doc["findings"]] == [("S004", None)]
    assert doc["path"] == str(path)


# --- 16. --update and a source file edited in place with its mtime set back -------------------------------

@pytest.mark.parametrize("jobs", ["1", "2"])
def test_update_notices_an_edit_in_place_that_keeps_size_and_mtime(tmp_path, jobs):
    src = corpus(tmp_path / "src", 100)
    out = tmp_path / "out" / "bag"
    assert run("bag", src, "-o", out, "--quiet", "--jobs", jobs).exit_code == 0
    victim = src / "042.txt"
    before = victim.stat()
    new = victim.read_bytes().replace(b"Article 42", b"Editor 42!")
    assert len(new) == before.st_size and new != victim.read_bytes()
    with open(victim, "r+b") as fh:                 # in place: the same inode
        fh.write(new)
    os.utime(victim, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = victim.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
    assert after.st_ctime_ns != before.st_ctime_ns
    assert run("bag", src, "-o", out, "--quiet", "--update", "--jobs", jobs).exit_code == 0
    assert (out / "data" / "042.txt").read_bytes() == new
    assert validate_json(out)[0] == 0


# --- 17. never delete what archiver did not make ---------------------------------------------------------

@pytest.mark.parametrize("args", [["--force"], ["--update"]])
def test_bag_refuses_to_replace_a_regular_file_at_output(seeds_copy, tmp_path, args):
    out = tmp_path / "out" / "thesis.docx"
    out.parent.mkdir()
    out.write_bytes(b"a year of work\n")
    result = run("bag", seeds_copy, "-o", out, "--quiet", *args)
    assert result.exit_code == 2
    assert f"{out}: exists and is not a bag directory; refusing to replace it" in result.stderr
    assert out.read_bytes() == b"a year of work\n"
    assert leftovers(out.parent) == ["thesis.docx"]


@pytest.mark.parametrize("fmt", ["tar.gz", "zip"])
def test_bag_archive_replaces_an_archive_but_not_another_file(seeds_copy, tmp_path, fmt):
    out = tmp_path / "out" / "seeds"
    assert run("bag", seeds_copy, "-o", out, "--quiet", "--archive", fmt).exit_code == 0
    assert run("bag", seeds_copy, "-o", out, "--quiet", "--archive", fmt, "--force").exit_code == 0
    final = tmp_path / "out" / f"seeds.{fmt}"
    final.write_bytes(b"notes, not an archive\n")
    result = run("bag", seeds_copy, "-o", out, "--quiet", "--archive", fmt, "--force")
    assert result.exit_code == 2 and "is not an archive; refusing to replace it" in result.stderr
    assert final.read_bytes() == b"notes, not an archive\n"


def test_manifest_refuses_a_directory_of_files_archiver_did_not_write(seeds_copy, tmp_path):
    out = tmp_path / "records"
    assert run("manifest", seeds_copy, "-o", out).exit_code == 0
    theirs = out / "settings.yaml"                      # a .yaml, but not a record
    theirs.write_text("colour: blue\n")
    result = run("manifest", seeds_copy, "-o", out)
    assert result.exit_code == 2
    assert "holds files that are not records archiver wrote (settings.yaml)" in result.stderr
    assert theirs.read_text() == "colour: blue\n"
    theirs.unlink()
    assert run("manifest", seeds_copy, "-o", out).exit_code == 0   # records only: replaced


def test_manifest_refuses_a_regular_file_as_its_output(seeds_copy, tmp_path):
    out = tmp_path / "records"
    out.write_text("not a directory\n")
    result = run("manifest", seeds_copy, "-o", out)
    assert result.exit_code == 2 and "is not a directory of records" in result.stderr
    assert out.read_text() == "not a directory\n"


def test_manifest_refuses_an_output_inside_source(seeds_copy, tmp_path):
    before = sorted(p.name for p in seeds_copy.iterdir())
    result = run("manifest", seeds_copy, "-o", seeds_copy / "records")
    assert result.exit_code == 2 and "inside SOURCE" in result.stderr
    assert sorted(p.name for p in seeds_copy.iterdir()) == before
