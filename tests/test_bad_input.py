"""archiver bag on bad input: clear messages naming the file, documented exit codes, nothing lost."""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import bagit
import pytest
import yaml

from conftest import coreutils_check, run, tree_digest


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir()) if parent.exists() else []


@pytest.mark.parametrize("make", ["missing", "file", "empty"])
def test_unusable_source_exits_2_and_writes_nothing(tmp_path, make):
    src = tmp_path / "src"
    if make == "file":
        src.write_text("not a folder")
    elif make == "empty":
        (src / "sub").mkdir(parents=True)
    out = tmp_path / "out" / "bag"
    result = run("bag", src, "-o", out)
    assert result.exit_code == 2
    expected = {"missing": "no such directory", "file": "not a directory", "empty": "holds no files"}[make]
    assert expected in result.stderr and str(src) in result.stderr
    assert not out.exists()
    assert leftovers(tmp_path / "out") == []


def test_unreadable_file_exits_1_names_it_and_leaves_nothing(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    (src / "ok.txt").write_text("Fine\n")
    bad = src / "secret.txt"
    bad.write_text("You cannot read me\n")
    if os.geteuid() != 0:
        bad.chmod(0)
    else:  # root reads anything: make the read fail the way a permission error does
        import builtins
        real_open = builtins.open

        def fake_open(file, *args, **kwargs):
            if os.fspath(file) == str(bad):
                raise PermissionError(13, "Permission denied", str(bad))
            return real_open(file, *args, **kwargs)
        monkeypatch.setattr(builtins, "open", fake_open)
    out = tmp_path / "out" / "bag"
    result = run("bag", src, "-o", out, "--jobs", "1")
    assert result.exit_code == 1
    assert "secret.txt" in result.stderr and "cannot read" in result.stderr
    assert not out.exists()
    assert leftovers(tmp_path / "out") == []


def test_failed_force_run_keeps_the_old_bag(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("A\n")
    out = tmp_path / "bag"
    assert run("bag", src, "-o", out, "--quiet").exit_code == 0
    before = tree_digest(out)
    (src / "link").symlink_to("/etc/passwd")
    result = run("bag", src, "-o", out, "--force")
    assert result.exit_code == 2
    assert tree_digest(out) == before
    assert leftovers(tmp_path) == [".bag.archiver-state", "bag", "src"]


def test_legacy_encodings_bom_and_crlf_are_bagged_byte_for_byte(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    files = {
        "cp1252.txt": "Caf\u00e9 owners \u201cwelcome\u201d new rules\n\nPARIS \u2013 Owners said\u2026\n".encode("cp1252"),
        "bom.txt": b"\xef\xbb\xbf" + "Ministers meet in Tehran\n\nBody.\n".encode("utf-8"),
        "crlf.txt": b"Storm closes ports\r\n\r\nBody text here.\r\n",
    }
    for name, data in files.items():
        (src / name).write_bytes(data)
    out = tmp_path / "bag"
    assert run("bag", src, "-o", out, "--quiet").exit_code == 0
    for name, data in files.items():
        assert (out / "data" / name).read_bytes() == data
    enc = {name: yaml.safe_load((out / "metadata/provenance" / f"{name}.yaml").read_bytes())
           for name in files}
    assert enc["cp1252.txt"]["source"]["encoding"] == "windows-1252"
    assert enc["bom.txt"]["source"]["encoding"] == "utf-8-sig"
    assert enc["crlf.txt"]["source"]["encoding"] == "utf-8"
    # Extraction still works on each of them.
    assert enc["cp1252.txt"]["fields"]["title"]["value"] == "Caf\u00e9 owners \u201cwelcome\u201d new rules"
    assert enc["bom.txt"]["fields"]["title"]["value"] == "Ministers meet in Tehran"
    # a three-word headline over one line of text: the title model abstains, and its evidence quotes
    # the line decoded without its CR
    crlf_title = enc["crlf.txt"]["fields"]["title"]
    assert crlf_title["value"] in ("Storm closes ports", None)
    assert crlf_title["evidence"][0]["text"] == "Storm closes ports"
    bagit.Bag(str(out)).validate()


def test_binary_file_is_bagged_with_null_encoding_and_unknown_fields(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    blob = bytes(range(256)) * 40
    (src / "image.bin").write_bytes(blob)
    out = tmp_path / "bag"
    assert run("bag", src, "-o", out, "--quiet").exit_code == 0
    assert (out / "data" / "image.bin").read_bytes() == blob
    rec = yaml.safe_load((out / "metadata/provenance/image.bin.yaml").read_bytes())
    assert rec["source"]["encoding"] is None
    assert all(f["status"] == "unknown" and f["value"] is None for f in rec["fields"].values())
    assert "<dc:format>application/octet-stream</dc:format>" in (out / "metadata/dublin-core.xml").read_text()


def test_symlinks_are_refused_and_named(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("A\n")
    (src / "escape").symlink_to("/etc/passwd")
    (src / "inside").symlink_to("a.txt")
    out = tmp_path / "bag"
    result = run("bag", src, "-o", out)
    assert result.exit_code == 2
    assert "escape" in result.stderr and "inside" in result.stderr and "symbolic link" in result.stderr
    assert not out.exists()
    # Following links is opt-in, and only for targets inside SOURCE.
    result = run("bag", src, "-o", out, "--follow-internal-links")
    assert result.exit_code == 2 and "escape" in result.stderr and "outside SOURCE" in result.stderr
    assert "inside" not in result.stderr.replace("outside", "")
    (src / "escape").unlink()
    result = run("bag", src, "-o", out, "--follow-internal-links", "--quiet")
    assert result.exit_code == 0
    assert (out / "data" / "inside").read_bytes() == b"A\n"
    assert not (out / "data" / "inside").is_symlink()


def test_fifo_is_refused_and_named(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("A\n")
    os.mkfifo(src / "pipe")
    result = run("bag", src, "-o", tmp_path / "bag")
    assert result.exit_code == 2 and "pipe" in result.stderr and "not a regular file" in result.stderr


NAMES = ["with space.txt", "50% off.txt", "line\nbreak.txt", "carriage\rreturn.txt",
         unicodedata.normalize("NFC", "caf\u00e9-nfc.txt"), unicodedata.normalize("NFD", "cafe\u0301-nfd.txt"),
         "sub dir/\u0645\u0642\u0627\u0644\u0629.txt", "%0A literally.txt"]
# A backslash is refused (test_a_name_with_a_backslash_is_refused_and_named): validators read it as a
# Windows separator (B008).


def test_awkward_file_names_are_bagged_and_checkable(tmp_path):
    src = tmp_path / "src"
    for name in NAMES:
        p = src / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"Title of {name!r}\n\nBody.\n", encoding="utf-8")
    out = tmp_path / "bag"
    result = run("bag", src, "-o", out, "--quiet")
    assert result.exit_code == 0, result.stderr
    assert tree_digest(out / "data") == tree_digest(src)
    manifest = (out / "manifest-sha256.txt").read_text(encoding="utf-8")
    assert "data/50%25 off.txt" in manifest
    assert "data/line%0Abreak.txt" in manifest and "data/carriage%0Dreturn.txt" in manifest
    assert "data/%250A literally.txt" in manifest
    assert len(manifest.splitlines()) == len(NAMES)
    coreutils_check(out)


def test_awkward_names_without_percent_are_valid_to_bagit_python(tmp_path):
    # bagit-python 1.9.0 does not decode %25 (RFC 8493 §2.1.3), so names with '%' are left out here;
    # the test above checks them with coreutils.
    src = tmp_path / "src"
    for name in NAMES:
        if "%" in name:
            continue
        p = src / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"Title of {name!r}\n", encoding="utf-8")
    out = tmp_path / "bag"
    assert run("bag", src, "-o", out, "--quiet").exit_code == 0
    bagit.Bag(str(out)).validate()


def test_hidden_files_are_bagged_and_named_in_a_warning(tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("A\n")
    (src / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (src / "sub" / ".hidden.txt").write_text("h\n")
    out = tmp_path / "bag"
    result = run("bag", src, "-o", out)
    assert result.exit_code == 0
    assert "hidden file bagged: .DS_Store" in result.stderr
    assert "hidden file bagged: sub/.hidden.txt" in result.stderr
    assert (out / "data" / ".DS_Store").read_bytes() == b"\x00\x00\x00\x01Bud1"
    bagit.Bag(str(out)).validate()


def test_output_inside_source_is_refused(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("A\n")
    result = run("bag", src, "-o", src / "bag")
    assert result.exit_code == 2 and "inside SOURCE" in result.stderr
    assert sorted(p.name for p in src.iterdir()) == ["a.txt"]


def test_bad_source_date_epoch_is_a_clear_error(tmp_path, monkeypatch, seeds_copy):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = run("bag", seeds_copy, "-o", tmp_path / "bag")
    assert result.exit_code == 2 and "SOURCE_DATE_EPOCH" in result.stderr
    assert not (tmp_path / "bag").exists()


def test_force_never_replaces_a_folder_that_is_not_a_bag(seeds_copy, tmp_path):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "chapter1.docx").write_bytes(b"years of work")
    for flags in ([], ["--force"], ["--update"]):
        result = run("bag", seeds_copy, "-o", out, *flags)
        assert result.exit_code == 2 and "not a bag" in result.stderr
    assert (out / "chapter1.docx").read_bytes() == b"years of work"


def test_name_that_is_not_utf8_is_refused_and_named(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "ok.txt").write_text("A\n")
    with open(os.path.join(os.fsencode(src), b"caf\xe9.txt"), "wb") as fh:
        fh.write(b"Latin-1 name\n")
    result = run("bag", src, "-o", tmp_path / "bag")
    assert result.exit_code == 2
    assert "caf\\xe9.txt" in result.stderr and "not valid UTF-8" in result.stderr
    assert not (tmp_path / "bag").exists()


def test_a_name_with_a_backslash_is_refused_and_named(tmp_path):
    """archiver validate refuses a backslash in a manifest path (B008), so bag never writes one."""
    src = tmp_path / "src"
    (src / "dir\\name").mkdir(parents=True)
    (src / "dir\\name" / "inside.txt").write_text("A\n")
    (src / "back\\slash.txt").write_text("B\n")
    (src / "ok.txt").write_text("C\n")
    result = run("bag", src, "-o", tmp_path / "bag")
    assert result.exit_code == 2
    assert "back\\slash.txt (file name holds a backslash" in result.stderr
    assert "dir\\name (file name holds a backslash" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]
