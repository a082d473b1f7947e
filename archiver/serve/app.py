"""Routing and responses of `archiver serve` (GET and HEAD; POST only to /oai, as OAI-PMH 2.0 section
3.1.1.2 requires of a repository, with the arguments form-encoded in the body; every other method or
path 405).

  /                         redirect to the reading room, /metadata/index.html
  /oai?verb=…               OAI-PMH 2.0 (archiver.serve.oai)
  /api/items?page=N&per_page=M   the items, as JSON, M (default 100, at most 1000) a page
  /api/items/<path>         one item's record as `archiver show --format json` gives it
  /data/<path>              a payload file, text/plain with the charset its record names
  /<any other bag file>     the bag's own files (reading-room pages, records, indexes, tag files)

A path is percent-decoded once and must then be a "/"-separated path of plain names (no "", ".",
"..", NUL or backslash); the file is read only through BagReader, which also refuses a symbolic link
anywhere on the way, and payload files only if they are in the index made at start. Anything else is
404. An unexpected error gives a 500 with a one-line message, never a traceback.
"""
from __future__ import annotations

import json
import re
import socket
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

from archiver._version import __version__
from archiver.readingroom import INDEX
from archiver.serve import oai
from archiver.serve.index import BagIndex, http_charset

_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?")
API_PAGE = 100
API_MAX_PAGE = 1000
MAX_FORM = 64 * 1024     # an OAI-PMH POST body: the longest request is a resumption token, well under this
_TYPES = {".html": "text/html", ".xml": "application/xml", ".csv": "text/csv", ".json": "application/json",
          ".tsv": "text/tab-separated-values", ".txt": "text/plain", ".yaml": "text/plain"}


class BagServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer over one BagIndex; `page_size` is OAI-PMH's list page size."""

    daemon_threads = True

    def __init__(self, address, index: BagIndex, log=None, page_size: int = oai.PAGE_SIZE):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.index = index
        self.log = log
        self.page_size = page_size
        self.room = None
        if index.reader.file_bytes(INDEX) is None:
            from archiver.serve.room import render
            self.room = render(index)
        super().__init__(address, Handler)

    def handle_error(self, request, client_address) -> None:
        # A client that went away mid-response, say: one line, not the base class's traceback.
        exc = sys.exc_info()[1]
        print(f"archiver serve: {client_address[0]}: {type(exc).__name__}: {exc}", file=sys.stderr)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{'[' + host + ']' if ':' in host else host}:{port}"


def make_server(reader, host: str = "127.0.0.1", port: int = 0, log=None, page_size: int = oai.PAGE_SIZE) -> BagServer:
    """A BagServer for an open BagReader, bound but not yet serving (call serve_forever)."""
    return BagServer((host, port), BagIndex(reader), log=log, page_size=page_size)


class Handler(BaseHTTPRequestHandler):
    server: BagServer
    server_version = f"archiver/{__version__}"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version

    # -- methods ----------------------------------------------------------------------------------------
    def do_GET(self):
        self._answer(head=False)

    def do_HEAD(self):
        self._answer(head=True)

    def do_POST(self):
        """OAI-PMH requests by POST (application/x-www-form-urlencoded, at most MAX_FORM bytes); POST
        to any other path is 405, the server is read-only."""
        self._head = False
        if urlsplit(self.path).path != "/oai":
            return self._not_allowed()
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            length = -1
        if ctype != "application/x-www-form-urlencoded" or not 0 <= length <= MAX_FORM:
            self.close_connection = True
            return self._send(HTTPStatus.BAD_REQUEST, "text/plain; charset=utf-8",
                              b"400 an OAI-PMH POST needs an application/x-www-form-urlencoded body "
                              b"of at most 64 KB\n")
        form = self.rfile.read(length).decode("latin-1")    # percent-encoded: ASCII, if anything
        try:
            body = oai.respond(self.server.index, form, self._base_url() + "/oai", self.server.page_size)
        except Exception as exc:            # never a traceback to the client
            print(f"archiver serve: error on POST /oai: {type(exc).__name__}: {exc}", file=sys.stderr)
            return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", b"500 internal error\n")
        return self._send(HTTPStatus.OK, "text/xml; charset=utf-8", body)

    def __getattr__(self, name):
        # Every other method (PUT, DELETE, anything): 405, the server is read-only.
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self):
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                   b"405 method not allowed: this server is read-only (GET and HEAD; POST to /oai)\n",
                   extra={"Allow": "GET, HEAD, POST" if urlsplit(self.path).path == "/oai" else "GET, HEAD"})

    def log_message(self, format, *args):     # noqa: A002 - the base class's name
        if self.server.log:
            self.server.log(f"{self.address_string()} {format % args}")

    # -- routing --------------------------------------------------------------------------------------
    def _answer(self, head: bool) -> None:
        self._head = head
        try:
            self._route()
        except Exception as exc:            # never a traceback to the client
            print(f"archiver serve: error on {self.path!r}: {type(exc).__name__}: {exc}", file=sys.stderr)
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", b"500 internal error\n")

    def _route(self) -> None:
        split = urlsplit(self.path)
        if not self.path.startswith("/") or self.path.startswith("//"):
            return self._not_found()
        try:
            path = unquote(split.path, errors="strict")
        except UnicodeDecodeError:
            return self._not_found()
        if path == "/":
            return self._send(HTTPStatus.SEE_OTHER, "text/plain; charset=utf-8", b"see /metadata/index.html\n",
                              extra={"Location": "/metadata/index.html"})
        if path == "/oai":
            body = oai.respond(self.server.index, split.query, self._base_url() + "/oai", self.server.page_size)
            return self._send(HTTPStatus.OK, "text/xml; charset=utf-8", body)
        if path == "/api/items":
            return self._items(split.query)
        rel = _bag_path(path)
        if rel is None:
            return self._not_found()
        if rel.startswith("api/items/"):
            return self._item(rel[len("api/items/"):])
        if rel.startswith("data/"):
            return self._payload(rel)
        return self._bag_file(rel)

    def _base_url(self) -> str:
        """The server's own address; when it listens on every address (0.0.0.0, ::), the Host the
        client asked for (if it is a plain host[:port]), which is the one a harvester can reach."""
        if self.server.server_address[0] in ("0.0.0.0", "::"):
            host = self.headers.get("Host", "")
            if _HOST.fullmatch(host):
                return f"http://{host}"
        return self.server.base_url

    def _items(self, query: str) -> None:
        params = parse_qs(query, keep_blank_values=True)
        try:
            page = int(params.get("page", ["1"])[-1])
            per_page = int(params.get("per_page", [str(API_PAGE)])[-1])
            if page < 1 or not 1 <= per_page <= API_MAX_PAGE:
                raise ValueError
        except ValueError:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": f"page must be 1 or more, per_page 1 to {API_MAX_PAGE}"})
        index = self.server.index
        total = len(index.items)
        pages = max(1, -(-total // per_page))
        if page > pages:
            return self._json(HTTPStatus.NOT_FOUND, {"error": f"there are {pages} page(s)"})
        start = (page - 1) * per_page
        items = [{"path": it.path, "identifier": index.identifier(it), "title": it.title, "outlet": it.outlet,
                  "published": it.published, "set": it.set_spec, "record_readable": it.readable,
                  "record": "/api/items/" + quote(it.path), "text": "/" + quote(it.path)}
                 for it in index.items[start:start + per_page]]
        link = lambda p: f"/api/items?page={p}&per_page={per_page}"   # noqa: E731
        self._json(HTTPStatus.OK, {"total": total, "page": page, "per_page": per_page, "pages": pages,
                                   "next": link(page + 1) if page < pages else None,
                                   "prev": link(page - 1) if page > 1 else None, "items": items})

    def _item(self, given: str) -> None:
        from archiver.errors import ArchiverError
        from archiver.fileview import view_of
        index = self.server.index
        path = given if given.startswith("data/") else "data/" + given
        if index.item(path) is None:
            return self._json(HTTPStatus.NOT_FOUND, {"error": "no such payload file in this bag"})
        try:
            view = view_of(index.reader, path)
        except ArchiverError as exc:
            return self._json(HTTPStatus.NOT_FOUND, {"error": str(exc)})
        self._json(HTTPStatus.OK, view.to_dict())

    def _payload(self, rel: str) -> None:
        item = self.server.index.item(rel)
        data = self.server.index.reader.file_bytes(rel) if item is not None else None
        if data is None:
            return self._not_found()
        charset = http_charset(item.encoding)
        self._send(HTTPStatus.OK, f"text/plain; charset={charset}" if charset else "application/octet-stream", data)

    def _bag_file(self, rel: str) -> None:
        room = self.server.room
        data = room.get(rel) if room is not None else None
        if data is None:
            data = self.server.index.reader.file_bytes(rel)
        if data is None:
            return self._not_found()
        ext = rel[rel.rfind("."):] if "." in rel.rsplit("/", 1)[-1] else ""
        kind = _TYPES.get(ext)
        self._send(HTTPStatus.OK, f"{kind}; charset=utf-8" if kind else "application/octet-stream", data)

    # -- responses ------------------------------------------------------------------------------------
    def _not_found(self) -> None:
        self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"404 not found\n")

    def _json(self, status, doc) -> None:
        self._send(status, "application/json; charset=utf-8",
                   (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))

    def _send(self, status, content_type: str, body: bytes, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not getattr(self, "_head", False) and self.command != "HEAD":
            self.wfile.write(body)


def _bag_path(path: str) -> str | None:
    """The bag-relative path of a decoded URL path, or None when it is not a plain relative path."""
    rel = path[1:]
    parts = rel.split("/")
    if not rel or any(p in ("", ".", "..") for p in parts) or "\0" in rel or "\\" in rel:
        return None
    return rel
