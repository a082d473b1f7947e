"""`archiver serve BAG`: a read-only local web server over one bag (its reading room, its records as
JSON, its payload text, and OAI-PMH 2.0 at /oai).

Modules: `index` reads the bag once at start (items, outlets as OAI sets, datestamps, a fingerprint);
`oai` answers the six OAI-PMH verbs from that index; `app` routes HTTP requests (GET and HEAD only)
and never reads a file but through `archiver.bagreader.BagReader`, which refuses `..`, absolute paths
and symbolic links. The standard library's ThreadingHTTPServer is enough for a reading room and a
harvester on one machine: no framework is needed.
"""
from __future__ import annotations

import ipaddress
import sys

from archiver.bagreader import open_bag
from archiver.errors import ArchiverError


def serve(bag, host: str = "127.0.0.1", port: int = 8000, log=None) -> None:
    """Serve BAG (a bag directory, .tar, .tar.gz, .tgz or .zip) at http://HOST:PORT/ until interrupted.

    Raises BagReadError (exit 2) when BAG cannot be read, ArchiverError (exit 2) when HOST:PORT cannot
    be listened on.
    `log(text)` is told the address and, per request, a line (default: stderr).
    """
    from archiver.serve.app import make_server
    log = log or (lambda text: print(text, file=sys.stderr, flush=True))
    with open_bag(bag) as reader:
        try:
            server = make_server(reader, host, port, log=log)
        except OSError as exc:           # the address is taken, or not this machine's: a usage error
            raise ArchiverError(f"cannot listen on {host} port {port}: {exc.strerror or exc}") from None
        try:
            h, p = server.server_address[:2]
            shown = f"[{h}]" if ":" in h else h
            if not ipaddress.ip_address(h).is_loopback:
                log(f"archiver: warning: listening on {shown}, not only on this machine: anyone who can "
                    "reach it can read the whole bag")
            log(f"archiver: serving {bag} ({len(server.index.items):,} items) at http://{shown}:{p}/ "
                f"(OAI-PMH at /oai); Ctrl-C stops")
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
