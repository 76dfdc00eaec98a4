"""What the minimisation tests look for and how they walk a space (tests/privacy/test_minimisation.py).

``Scanner`` says which personal data of which person a text holds: last and first name, birth date
in every way the service writes one (``12/03/1990``, ``1990-03-12``, ``12 mars 1990``), email,
phone, and a criterion of their eligibility tied to them (in a text that names them, or in the same
table row, line, spreadsheet row or JSON object as their name or their reference). Counts and hours
say nothing of anyone: they are never looked for.

``Walk`` opens the pages of one audience as its client does, reads each answer as text (an HTML
page, a JSON body, a CSV, an XLSX workbook read with openpyxl, a PDF read with pypdf), scans it,
and follows the links and downloads of the audience's own space.
"""

from __future__ import annotations

import html
import io
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urljoin, urlsplit

import openpyxl
import pypdf
from werkzeug.exceptions import HTTPException

from saas import formats, tabular
from tests.fixtures import csrf_token

# --- what a person is made of, for the scanner ----------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A participant as the scanner looks for them: ``criteria`` holds the label and the code of
    each criterion of their eligibility validations."""

    reference: str
    last_name: str
    first_name: str
    birth_date: date | None = None
    email: str | None = None
    phone: str | None = None
    criteria: tuple[str, ...] = ()


SPACES = re.compile(r"[\s\u00a0\u202f]+")
BETWEEN_DIGITS = re.compile(r"(?<=\d)[ .\-/]?(?=\d)")


def fold(text: str) -> str:
    """Entities decoded, accents and case dropped, every run of spaces one space."""
    text = unicodedata.normalize("NFKD", html.unescape(text))
    return SPACES.sub(" ", "".join(c for c in text if not unicodedata.combining(c)).casefold())


def birth_date_forms(day: date) -> set[str]:
    """Every way the service writes a date: ``dd/mm/yyyy`` (``formats.date``), ISO (forms, JSON,
    spreadsheets), the French long form (``12 mars 1990``, ``1er avril 1990``)."""
    month = formats.MONTH_NAMES[day.month - 1]
    days = {str(day.day), f"{day.day:02d}"} | ({"1er"} if day.day == 1 else set())
    return {
        f"{day:%d/%m/%Y}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day:%d.%m.%Y}",
        f"{day:%d-%m-%Y}",
        day.isoformat(),
        *(f"{d} {month} {day.year}" for d in days),
    }


@dataclass(frozen=True)
class Needle:
    person: Person
    kind: str
    text: str
    pattern: re.Pattern


def _word(text: str) -> re.Pattern:
    return re.compile(r"(?<![a-z0-9_])" + re.escape(fold(text)) + r"(?![a-z0-9_])")


def _number(text: str) -> re.Pattern:
    return re.compile(r"(?<!\d)" + re.escape(fold(text)) + r"(?!\d)")


def _phone_forms(phone: str) -> set[str]:
    digits = re.sub(r"\D", "", phone)
    return {digits, "33" + digits[1:]} if digits.startswith("0") else {digits}


def needles_of(person: Person) -> list[Needle]:
    """What betrays ``person``, each with its kind (``criterion`` apart: see ``Scanner``)."""
    found = [
        Needle(person, "last name", person.last_name, _word(person.last_name)),
        Needle(person, "first name", person.first_name, _word(person.first_name)),
    ]
    if person.birth_date:
        found += [Needle(person, "birth date", f, _number(f)) for f in birth_date_forms(person.birth_date)]
    if person.email:
        found.append(Needle(person, "email", person.email, re.compile(re.escape(fold(person.email)))))
    if person.phone:
        found += [Needle(person, "phone", f, _number(f)) for f in _phone_forms(person.phone)]
    return found


@dataclass(frozen=True)
class Document:
    """An answer read as text: ``records`` are its rows (table rows and blocks of a page, lines of
    a CSV or a PDF, rows of a workbook, objects of a JSON body)."""

    url: str
    kind: str
    text: str
    records: tuple[str, ...]


class Scanner:
    """Looks for the data of ``hidden`` people. What ``visible`` people share with them (a family
    name, say) is not looked for: the audience may read it of its own people."""

    def __init__(self, hidden: Sequence[Person], visible: Sequence[Person] = ()):
        allowed = {fold(n.text) for person in visible for n in needles_of(person)}
        self.people = list(hidden)
        self.needles = [n for person in hidden for n in needles_of(person) if fold(n.text) not in allowed]

    def findings(self, document: Document) -> list[str]:
        folded = fold(document.text)
        digits = BETWEEN_DIGITS.sub("", folded)
        matched = [n for n in self.needles if n.pattern.search(digits if n.kind == "phone" else folded)]
        found = [f"{n.person.reference}: {n.kind} « {n.text} »" for n in matched]
        return sorted(set(found + self._criteria(document, folded)))

    def _criteria(self, document: Document, folded: str) -> list[str]:
        """A criterion of a person in a text that names them (first and last name, even a name
        the audience may read), or in one record with their name or their reference."""
        found = []
        records = [fold(r) for r in document.records]
        for person in self.people:
            for criterion in person.criteria:
                pattern = _word(criterion)
                in_named_text = pattern.search(folded) and _named(folded, person)
                in_record = any(pattern.search(r) and _marked(r, person) for r in records)
                if in_named_text or in_record:
                    found.append(f"{person.reference}: criterion « {criterion} » tied to the person")
        return found


def _named(text: str, person: Person) -> bool:
    return all(_word(name).search(text) for name in (person.last_name, person.first_name))


def _marked(record: str, person: Person) -> bool:
    """The record names the person, or gives their reference."""
    return bool(_word(person.reference).search(record)) or _named(record, person)


# --- an answer as text ----------------------------------------------------------------------------

#: the elements that end a record of a page: a table row, an item, a section or an article (the
#: cells of a row stay together, and so do the terms and values of a description list)
BLOCK = re.compile(
    r"<(?:/?(?:tr|li|article|section|table|thead|tbody|ul|ol|form|header|footer|main|nav|figure))\b[^>]*>",
    re.IGNORECASE,
)


def _json_records(value) -> list[str]:
    """Each object of a JSON body with what it holds, but not its lists of objects (each such
    object is a record of its own)."""
    found = []
    if isinstance(value, dict):
        own = {
            k: v
            for k, v in value.items()
            if not (isinstance(v, list) and any(isinstance(i, dict) for i in v))
        }
        found.append(json.dumps(own, ensure_ascii=False, default=str))
        for inner in value.values():
            found += _json_records(inner)
    elif isinstance(value, list):
        for inner in value:
            found += _json_records(inner)
    return found


def json_document(url: str, value) -> Document:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return Document(url, "json", text, tuple(_json_records(value)))


def _workbook_rows(content: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = []
    for sheet in book.worksheets:
        rows.append(sheet.title)
        rows += [
            " | ".join("" if v is None else str(v) for v in row) for row in sheet.iter_rows(values_only=True)
        ]
    return rows


def _pdf_lines(content: bytes) -> list[str] | None:
    """The text of each page, line by line; None when the file is no PDF pypdf can read (an
    uploaded piece is kept as sent)."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(content))
        return [line for page in reader.pages for line in (page.extract_text() or "").splitlines()]
    except (pypdf.errors.PdfReadError, ValueError, KeyError):
        return None


def _text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def document_of(url: str, answer) -> Document:
    """What an answer says, as text: its body read by its type, and its file name."""
    name = answer.headers.get("Content-Disposition", "")
    return read_document(url, answer.get_data(), answer.mimetype, name)


def read_document(url: str, body: bytes, mimetype: str, name: str = "") -> Document:
    """A body read by its type (a downloaded file, a mail's attachment), with its file name."""
    if mimetype == tabular.XLSX_MIMETYPE:
        rows = [name, *_workbook_rows(body)]
        return Document(url, "xlsx", "\n".join(rows), tuple(rows))
    if mimetype == "application/pdf":
        lines = _pdf_lines(body)
        kind = "pdf" if lines is not None else "pdf (unreadable: its bytes)"
        lines = [name, *(lines if lines is not None else body.decode("latin-1").splitlines())]
        return Document(url, kind, "\n".join(lines), tuple(lines))
    if mimetype in ("application/json", "application/problem+json"):
        found = json_document(url, json.loads(body))
        return Document(url, "json", name + found.text, found.records)
    text = _text(body)
    if mimetype == "text/html":
        return Document(url, "html", text, tuple(BLOCK.split(text)))
    lines = [name, *text.splitlines()]
    return Document(
        url, "csv" if mimetype.startswith("text/csv") else mimetype, "\n".join(lines), tuple(lines)
    )


# --- a walk through a space -----------------------------------------------------------------------

LINK = re.compile(r'(?:href|src)="([^"]+)"')
#: at most so many URLs of one path (sorts, pages, filters, tables) and of one walk
VARIANTS, MOST = 16, 400


@dataclass
class Visit:
    url: str
    method: str
    status: int
    kind: str
    findings: list[str]


@dataclass
class Walk:
    """The answers one client gets in a space: ``paths`` are the path prefixes it follows links
    under; ``headers`` go with every request (an API token)."""

    app: object
    client: object
    scanner: Scanner
    paths: tuple[str, ...]
    headers: dict = field(default_factory=dict)
    visits: list[Visit] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    _queue: list[str] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)
    _per_path: Counter = field(default_factory=Counter)

    def scan(self, url: str, method: str, answer) -> Document:
        document = self.record(document_of(url, answer), method, answer.status_code)
        if document.kind == "html":
            self._links(url, document.text)
        return document

    def record(self, document: Document, method: str = "READ", status: int = 200) -> Document:
        """A document the audience reads (an answer, a mail, a row stored on its side), scanned."""
        self.documents.append(document)
        self.visits.append(
            Visit(document.url, method, status, document.kind, self.scanner.findings(document))
        )
        return document

    def get(self, url: str):
        self._seen.add(url)
        answer = self.client.get(url, headers=self.headers)
        self.scan(url, "GET", answer)
        return answer

    def post(self, url: str, form: dict | None = None, body=None):
        """A form sent with its CSRF token alone (or ``form``), or a JSON ``body``; the page it
        leads to is read too (what it flashes)."""
        if body is not None:
            answer = self.client.post(url, json=body, headers=self.headers)
        else:
            data = {"csrf_token": csrf_token(self.client, "/espaces"), **(form or {})}
            answer = self.client.post(url, data=data, headers=self.headers)
        self.scan(url, "POST", answer)
        location = answer.headers.get("Location")
        if answer.status_code in (302, 303) and location and self._inside(urlsplit(location).path):
            self.get(_local(url, location))
        return answer

    def call(self, method: str, url: str, body=None):
        """An API call (any method), its JSON answer read."""
        answer = self.client.open(url, method=method, headers=self.headers, json=body)
        self.scan(url, method, answer)
        return answer

    def crawl(self) -> None:
        """Every link and download found, until none is left (within ``VARIANTS`` and ``MOST``)."""
        while self._queue and len(self._seen) < MOST:
            url = self._queue.pop(0)
            if url not in self._seen:
                self.get(url)

    def _inside(self, path: str) -> bool:
        return path.startswith(self.paths)

    def _links(self, base: str, page: str) -> None:
        adapter = self.app.url_map.bind("localhost", url_scheme="https")
        for link in LINK.findall(page):
            url = _local(base, html.unescape(link))
            path = urlsplit(url).path
            if url in self._seen or url in self._queue or not self._inside(path):
                continue
            try:
                adapter.match(path, method="GET")
            except HTTPException:
                continue  # not a page (a redirect to add a slash, a POST-only rule)
            if self._per_path[path] < VARIANTS:
                self._per_path[path] += 1
                self._queue.append(url)

    def leaks(self) -> list[str]:
        return [f"{v.method} {v.url} ({v.kind}): {f}" for v in self.visits for f in v.findings]

    def statuses(self) -> dict[str, int]:
        return {v.url: v.status for v in self.visits if v.method == "GET"}


def _local(base: str, link: str) -> str:
    """A link as the test client asks it: path and query, no fragment."""
    parts = urlsplit(urljoin(base, link))
    return parts.path + (f"?{parts.query}" if parts.query else "")
