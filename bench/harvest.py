"""A complete OAI-PMH harvest of a bag through `archiver serve` (python -m bench.harvest BAG), for the
`make bench` row that prices it against `archiver validate --fast`.

What is timed is what a harvester waits for after asking a freshly started server: opening the bag
and building the server's index (as `archiver serve` does at start), then ListRecords (oai_dc) page
after page, following resumption tokens to the end, over HTTP on 127.0.0.1 with the standard
library's urllib (no OAI client library is needed). The server runs in this process, in a thread, on a
port the system picks (port 0). Exits 1 when the harvest is not complete: a response that is an
OAI-PMH error, or fewer records than the bag has payload files.
"""
from __future__ import annotations

import argparse
import sys
import threading
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from archiver.bagreader import open_bag
from archiver.serve.app import make_server

OAI = "{http://www.openarchives.org/OAI/2.0/}"


def harvest(base_url: str) -> tuple[int, int]:
    """(records, responses) of a complete ListRecords harvest of `base_url` (…/oai); raises RuntimeError
    on an OAI-PMH error."""
    query = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    records = responses = 0
    while True:
        with urllib.request.urlopen(f"{base_url}?{urllib.parse.urlencode(query)}", timeout=60) as resp:
            root = ET.parse(resp).getroot()
        responses += 1
        error = root.find(f"{OAI}error")
        if error is not None:
            raise RuntimeError(f"OAI-PMH error {error.get('code')}: {error.text}")
        records += len(root.findall(f"{OAI}ListRecords/{OAI}record"))
        token = root.findtext(f"{OAI}ListRecords/{OAI}resumptionToken")
        if not token:
            return records, responses
        query = {"verb": "ListRecords", "resumptionToken": token}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.harvest", description=__doc__.split("\n\n")[0])
    p.add_argument("bag")
    args = p.parse_args(argv)
    with open_bag(args.bag) as reader:
        server = make_server(reader, "127.0.0.1", 0, log=lambda text: None)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            records, responses = harvest(server.base_url + "/oai")
        except (OSError, RuntimeError, ET.ParseError) as exc:
            print(f"bench.harvest: {exc}", file=sys.stderr)
            return 1
        finally:
            server.shutdown()
            server.server_close()
        expected = len(server.index.items)
    if records != expected:
        print(f"bench.harvest: harvested {records} records, the bag has {expected} items", file=sys.stderr)
        return 1
    print(f"bench.harvest: {records} records in {responses} responses", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
