"""`archiver export BAG --to ro-crate DEST`: the bag as an RO-Crate 1.1 directory, written with
ro-crate-py (`pip install 'archiver[export]'`).

What is written, and why each choice:

- every payload file, byte for byte, at the path it has in the bag (`data/…`: keeping the `data/`
  prefix means a page named `ro-crate-metadata.json` cannot overwrite the crate's own metadata, and
  the crate's ids are the bag's payload paths, as in the Dublin Core index);
- a data entity per file, typed `File` (schema.org MediaObject) and, for a text file, `NewsArticle`:
  the corpus is scraped news pages and the file is the article's text, so the headline, publisher,
  author and date below are the article's. It has `name` and `headline` (title), `datePublished`
  (W3CDTF, as in the Dublin Core index), `publisher` (an Organization entity per outlet),
  `identifier` (story code), `author` (the byline as printed, as text: a byline is "Staff,
  Agencies" or "By A and B", and making a Person of it would claim an identity archiver never
  established), `inLanguage`, `sha256`, `contentSize` and `encodingFormat` (with the charset the
  record names, as `text/plain;charset=…`). An unknown value is left out, never written as "unknown";
- a `CreateAction` per file: the extraction that made its record, `instrument` the archiver that
  made the bag (a SoftwareApplication with its version, from Bag-Software-Agent), `result` the file,
  and a `description` that says how each value is known — the same
  statement as the Dublin Core index ("title: extracted (rule title.header-line); outlet: asserted
  (by A. Curator); …");
- the root dataset's `name` and `description` (bag-info's Title / External-Description when given,
  else said plainly), `datePublished` from the export epoch (SOURCE_DATE_EPOCH, else Bagging-Date),
  and `license`: bag-info's License (or Rights) when the bag states one; otherwise an entity
  `#license-not-stated` that says so. RO-Crate 1.1 wants a licence on the root; archiver cannot know
  the terms of scraped pages (they are their publishers'), and inventing an open licence would
  mislead whoever reuses the crate.

Deterministic: ro-crate-py writes the graph in insertion order with sorted keys, so entities are
added in payload-path order (outlets and the software after the files, sorted), and the only date it
would take from the clock (the root's datePublished) is set from `epoch`.
"""
from __future__ import annotations

import hashlib
import time
from pathlib import Path
from urllib.parse import quote

from archiver.dublincore import statement, w3cdtf
from archiver.export.items import items, need, read

OUTPUT = "dir"

NOT_STATED = "#license-not-stated"


def write(reader, dest: Path, epoch: int) -> None:
    rocrate = need("rocrate.rocrate", "ro-crate")
    from rocrate.model.contextentity import ContextEntity

    crate = rocrate.ROCrate(version="1.1")
    # sha256 is a schema.org term the 1.1 context (schema.org 10) predates; later RO-Crate contexts
    # map it so, and 1.1 allows terms added to the context this way.
    crate.metadata.extra_terms["sha256"] = "http://schema.org/sha256"
    info = reader.bag_info()
    software = _software(info)
    outlets: dict[str, dict] = {}
    count = 0
    for item in items(reader):
        data = read(reader, item.rel)
        target = dest / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        values = item.values()
        known = {name: v for name, (v, _s, _h) in values.items() if v}
        props: dict = {
            "@type": ["File", "NewsArticle"] if item.encoding is not None else "File",
            "sha256": hashlib.sha256(data).hexdigest(),
            "contentSize": str(len(data)),
            "encodingFormat": _media_type(item.encoding, item.dc.first("format")),
        }
        if "title" in known:
            props["name"] = props["headline"] = known["title"]
        if "published" in known:
            props["datePublished"] = w3cdtf(known["published"])
        if "story_code" in known:
            props["identifier"] = known["story_code"]
        if "byline" in known:
            props["author"] = known["byline"]
        if "language" in known:
            props["inLanguage"] = known["language"]
        if "outlet" in known:
            outlet_id = "#outlet/" + quote(known["outlet"], safe="")
            outlets[outlet_id] = {"@type": "Organization", "name": known["outlet"]}
            props["publisher"] = {"@id": outlet_id}
        # The file already sits at its place in DEST, so ro-crate-py's copy is skipped (same file).
        entity = crate.add_file(target, dest_path=item.path, properties=props)
        crate.add(ContextEntity(crate, "#provenance/" + entity.id, properties={
            "@type": "CreateAction",
            "name": f"archiver extraction of {item.path}",
            "instrument": {"@id": software["@id"]},
            "result": {"@id": entity.id},
            "description": statement({name: (s, h) for name, (_v, s, h) in values.items()}),
        }))
        count += 1

    for outlet_id, props in sorted(outlets.items()):
        crate.add(ContextEntity(crate, outlet_id, properties=props))
    crate.add(ContextEntity(crate, software["@id"], properties={k: v for k, v in software.items() if k != "@id"}))

    root = crate.root_dataset
    root["name"] = _first(info, "Title", "External-Identifier") or f"News text corpus: {count} payload file(s) of an archiver bag"
    root["description"] = _first(info, "External-Description") or (
        f"{count} scraped news text file(s) packaged by {software['name']} as a BagIt bag and exported "
        "as an RO-Crate; each file's metadata was extracted from its text or asserted by a curator, "
        "as the CreateAction for the file says.")
    root["datePublished"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(epoch))
    root["license"] = {"@id": _license(crate, ContextEntity, info)}
    crate.write(dest)


def _first(info: dict, *labels: str) -> str | None:
    for label in labels:
        for value in info.get(label, []):
            if value.strip():
                return value.strip()
    return None


def _software(info: dict) -> dict:
    """The archiver that made the bag's records (Bag-Software-Agent "archiver X"), else this one."""
    from archiver._version import __version__
    agent = _first(info, "Bag-Software-Agent") or ""
    version = agent.split()[1] if agent.startswith("archiver ") and len(agent.split()) > 1 else __version__
    return {"@id": f"#software/archiver-{quote(version, safe='')}", "@type": "SoftwareApplication",
            "name": f"archiver {version}", "softwareVersion": version}


def _media_type(encoding: str | None, kind: str = "text/plain") -> str:
    """The file's media type (its dc:format), with the charset of a text file."""
    if encoding is None:
        return kind if kind and not kind.startswith("text/") else "application/octet-stream"
    charset = {"utf-8-sig": "utf-8", "utf-16": "utf-16"}.get(encoding, encoding)
    return f"{kind or 'text/plain'};charset={charset}"      # no space: the form roc-validator's MIME pattern accepts


def _license(crate, ContextEntity, info: dict) -> str:
    stated = _first(info, "License", "Rights")
    if stated and stated.startswith(("http://", "https://")):
        crate.add(ContextEntity(crate, stated, properties={"@type": "CreativeWork", "name": stated}))
        return stated
    if stated:
        crate.add(ContextEntity(crate, "#license", properties={
            "@type": "CreativeWork", "name": "Licence stated in the bag", "description": stated}))
        return "#license"
    crate.add(ContextEntity(crate, NOT_STATED, properties={
        "@type": "CreativeWork", "name": "Licence not stated",
        "description": "The bag this crate was exported from states no licence (no License or Rights "
                       "in bag-info.txt). The texts are scraped news pages whose rights stay with their "
                       "publishers; ask the depositor before reusing them."}))
    return NOT_STATED
