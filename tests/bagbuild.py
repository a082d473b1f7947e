"""Building small bags by hand for validator tests: every file, manifest and tag manifest written
exactly as a test wants it, so that a test can show one specific defect."""
from __future__ import annotations

import hashlib
from pathlib import Path


def digest(alg: str, data: bytes) -> str:
    return hashlib.new(alg, data).hexdigest()


def build(root: Path, payload: dict[str, bytes], *, version: str = "1.0", algs=("sha256", "sha512"),
          manifest_names: dict[str, str] | None = None, extra_lines: dict[str, list[str]] | None = None,
          skip: dict[str, set[str]] | None = None, bagit_txt: bytes | None = None,
          bag_info: str | None = None, tag: bool = True) -> Path:
    """A bag at `root` whose payload is `payload` ({path under data/: bytes}).

    manifest_names maps a payload path to the name written in the manifests (default: the path,
    with % CR LF encoded for 1.0); extra_lines adds raw lines to a manifest; skip leaves paths out of
    a given algorithm's manifest.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    for rel, data in payload.items():
        p = root / "data" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    (root / "bagit.txt").write_bytes(bagit_txt if bagit_txt is not None else
                                     f"BagIt-Version: {version}\nTag-File-Character-Encoding: UTF-8\n".encode())
    total = sum(len(d) for d in payload.values())
    (root / "bag-info.txt").write_text(bag_info if bag_info is not None else
                                       f"Bagging-Date: 2024-01-01\nPayload-Oxum: {total}.{len(payload)}\n")
    for alg in algs:
        lines = []
        for rel, data in sorted(payload.items()):
            if skip and rel in skip.get(alg, set()):
                continue
            name = (manifest_names or {}).get(rel)
            if name is None:
                name = "data/" + rel
                if version == "1.0":
                    name = name.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            lines.append(f"{digest(alg, data)}  {name}")
        lines += (extra_lines or {}).get(alg, [])
        (root / f"manifest-{alg}.txt").write_text("\n".join(lines) + "\n")
    if tag:
        retag(root, algs)
    return root


def retag(root: Path, algs=("sha256", "sha512")) -> None:
    """Recompute the tag manifests over every file outside data/ (as a careful tamperer would)."""
    for alg in algs:
        (root / f"tagmanifest-{alg}.txt").unlink(missing_ok=True)
    tags = sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()
                  and p.relative_to(root).parts[0] != "data" and not p.name.startswith("tagmanifest-"))
    for alg in algs:
        (root / f"tagmanifest-{alg}.txt").write_text("".join(
            f"{digest(alg, p.read_bytes())}  {p.relative_to(root).as_posix()}\n" for p in tags))
