"""Reading Anki's exports: "Notes in Plain Text" (.txt) and packages (.apkg), into the importer's cards.

Plain text: one note per line, fields separated by the `#separator:` header's character (tab without a header),
fields quoted with "..." when they hold the separator or a line break; the optional header lines `#html:`,
`#tags column:N`, `#notetype column:N`, `#deck column:N`, `#guid column:N` are understood. The first field is the
question and the second the answer; a third and a fourth holding a level (mldrill's own export) are the trap and
the level.

Packages: a zip holding the collection as SQLite, in one of Anki's formats, newest first:
- `collection.anki21b` (Anki 2.1.50+): zstd-compressed SQLite, note types in the `notetypes` and `fields` tables;
- `collection.anki21` / `collection.anki2` (older Anki, or "Support older Anki versions" ticked): plain SQLite,
  note types as JSON in `col.models`.
Each note's fields are `notes.flds` separated by \\x1f. By note type: Basic-like (Front/Back) and mldrill's own
(Question/Answer/Trap/Level) map by name; a Cloze note becomes one card whose question hides every deletion as
[...] (or its hint) and whose answer shows them; any other note type: the first field is the question, the second
the answer, and the import says so. Notes whose question or answer is only an image or a sound are skipped, and
the import says how many (media are never imported). A tag `level::L1` sets the level.

HTML fields become text: line breaks kept, bold and italics as Markdown, MathJax's \\( \\) and \\[ \\] as $ and
$$, every other tag dropped, entities decoded; the result is stored raw and always rendered through the sanitizer
(mldrill.render.md_to_html), as every imported text is.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import zipfile
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from mldrill.catalog.loader import Problem
from mldrill.catalog.schema import LEVELS

MAX_COLLECTION = 256 * 2**20  # an unpacked collection: a 20 MiB upload that unpacks past this is refused
_SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|", "colon": ":"}
_MEDIA = re.compile(r"<img\b|\[sound:", re.IGNORECASE)
_SOUND = re.compile(r"\[sound:[^\]]*\]")
_CLOZE = re.compile(r"\{\{c\d+::([^{}]*?)(?:::([^{}]*?))?\}\}")  # no braces inside: linear on unclosed {{c1::


class ParseProblem(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


class _Text(HTMLParser):
    """HTML -> Markdown-ish text, in one pass."""

    _BREAKS = frozenset({"br", "div", "p", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self._BREAKS:
            self.out.append("\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag in ("b", "strong"):
            self.out.append("**")
        elif tag in ("i", "em"):
            self.out.append("*")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("div", "p", "tr") or (tag.startswith("h") and tag[1:].isdigit()):
            self.out.append("\n")
        elif tag in ("b", "strong"):
            self.out.append("**")
        elif tag in ("i", "em"):
            self.out.append("*")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data)


def html_to_text(value: str) -> str:
    p = _Text()
    p.feed(value)
    p.close()
    text = "".join(p.out).replace("\xa0", " ")
    text = _SOUND.sub("", text)
    text = text.replace("\\[", "$$").replace("\\]", "$$").replace("\\(", "$").replace("\\)", "$")
    text = re.sub(r"\*\*(\s*)\*\*", r"\1", text)  # an empty bold, or two bolds side by side, left by the tags
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))  # linear, unlike a regex on long runs
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def plain(value: str, *, is_html: bool) -> str:
    return html_to_text(value) if is_html else _SOUND.sub("", value).strip()


@dataclass
class Note:
    """One note as a card's fields; `where` is its line (plain text) or its number in the package."""

    where: int
    question: str
    answer: str
    trap: str
    level: str
    tags: list[str]


def _level(tags: list[str], given: str = "") -> str:
    for t in tags:
        if t.lower().startswith("level::") and t[7:].upper() in LEVELS:
            return t[7:].upper()
    return given.strip().upper() if given.strip().upper() in LEVELS else "L2"


class _Skips:
    """What could not be read, counted, to say once at the end."""

    def __init__(self) -> None:
        self.media = 0
        self.empty = 0
        self.notetypes: Counter[str] = Counter()

    def messages(self) -> list[str]:
        out = []
        if self.media:
            out.append(
                f"{self.media} note(s) skipped: the question or answer is only an image or a sound "
                "(media files are not imported)"
            )
        if self.empty:
            out.append(f"{self.empty} note(s) skipped: an empty question or answer")
        out += [f"{n} note(s) of note type {name}" for name, n in sorted(self.notetypes.items())]
        return out


def _keep(note: Note, raw_q: str, raw_a: str, skips: _Skips) -> Note | None:
    if note.question and note.answer:
        return note
    if _MEDIA.search(raw_q) or _MEDIA.search(raw_a):
        skips.media += 1
    else:
        skips.empty += 1
    return None


# -- Notes in Plain Text -------------------------------------------------------------------------------------------
def looks_like_anki_text(text: str) -> bool:
    """A .txt file is Anki's export when it starts with Anki's header lines, or when no line is a `Q:` field and
    its first line holds a tab (Markdown cards always have a `Q:` line)."""
    head = text.lstrip("\ufeff")
    if re.match(r"#(separator|html|tags column|notetype column|deck column|guid column|columns):", head):
        return True
    first = next((line for line in head.splitlines() if line.strip()), "")
    return "\t" in first and not re.search(r"^\s*Q\s*:", head, re.MULTILINE | re.IGNORECASE)


def parse_text(text: str, file: str) -> tuple[list[Note], list[str]]:
    lines = text.lstrip("\ufeff").split("\n")
    sep, is_html, special = "\t", True, {}
    n_header = 0
    for line in lines:
        m = re.match(r"#([a-z ]+):(.*)$", line.rstrip("\r"))
        if not m:
            break
        n_header += 1
        key, value = m.group(1).strip(), m.group(2).strip()
        if key == "separator":
            sep = _SEPARATORS.get(value.lower(), value[:1] or "\t")
        elif key == "html":
            is_html = value.lower() == "true"
        elif key.endswith(" column") and value.isdigit():
            special[key.removesuffix(" column")] = int(value) - 1
    body = "\n".join(lines[n_header:])
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=sep, quotechar='"')
    problems: list[Problem] = []
    notes: list[Note] = []
    skips = _Skips()
    end = 0
    for row in reader:
        no, end = n_header + end + 1, reader.line_num
        if not any(c.strip() for c in row):
            continue
        tags_at = special.get("tags")
        tags = row[tags_at].split() if tags_at is not None and tags_at < len(row) else []
        fields = [c for i, c in enumerate(row) if i not in special.values()]
        if len(fields) < 2:
            problems.append(
                Problem(file, no, f"{len(fields)} field(s): a note needs a question and an answer separated by {sep!r}")
            )
            continue
        trap, level = "", ""
        if len(fields) >= 4 and fields[3].strip().upper() in LEVELS:  # mldrill's own note type
            trap, level = plain(fields[2], is_html=is_html), fields[3]
        note = Note(
            no, plain(fields[0], is_html=is_html), plain(fields[1], is_html=is_html), trap, _level(tags, level), tags
        )
        kept = _keep(note, fields[0], fields[1], skips)
        if kept is not None:
            notes.append(kept)
        end = reader.line_num
    if problems:
        raise ParseProblem(problems)
    return notes, skips.messages()


# -- .apkg ---------------------------------------------------------------------------------------------------------
def _read_bounded(stream: Any, what: str, file: str) -> bytes:
    chunks, total = [], 0
    read = stream.read
    while chunk := read(2**20):
        chunks.append(chunk)
        total += len(chunk)
        if total > MAX_COLLECTION:
            msg = f"{what} unpacks to more than {MAX_COLLECTION // 2**20} MiB; split the deck in Anki"
            raise ParseProblem([Problem(file, 1, msg)])
    return b"".join(chunks)


def _collection(raw: bytes, file: str) -> bytes:
    try:
        z = zipfile.ZipFile(io.BytesIO(raw))
        names = set(z.namelist())
    except (zipfile.BadZipFile, OSError):
        raise ParseProblem([Problem(file, 1, "not an Anki package: an .apkg file is a zip archive")]) from None
    try:
        if "collection.anki21b" in names:
            try:
                import zstandard
            except ImportError:
                msg = (
                    "this package is in Anki's current format (collection.anki21b), which needs the 'zstandard' "
                    "package; export again in Anki with 'Support older Anki versions' ticked, or pip install zstandard"
                )
                raise ParseProblem([Problem(file, 1, msg)]) from None
            with z.open("collection.anki21b") as f:
                try:
                    reader = zstandard.ZstdDecompressor().stream_reader(f)
                    return _read_bounded(reader, "collection.anki21b", file)
                except zstandard.ZstdError as e:
                    raise ParseProblem(
                        [Problem(file, 1, f"collection.anki21b is not readable zstd data ({e})")]
                    ) from None
        for name in ("collection.anki21", "collection.anki2"):
            if name in names:
                with z.open(name) as f:
                    return _read_bounded(f, name, file)
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise ParseProblem([Problem(file, 1, f"the package is damaged: {e}")]) from None
    media = " (it holds only media files)" if names and names <= {"media"} | {n for n in names if n.isdigit()} else ""
    raise ParseProblem([Problem(file, 1, f"no Anki collection inside{media}: nothing to import")])


def _notetypes(conn: sqlite3.Connection) -> dict[int, tuple[str, list[str], bool]]:
    """Note type id -> (name, field names in order, is cloze), from either schema."""
    out: dict[int, tuple[str, list[str], bool]] = {}
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "notetypes" in tables and "fields" in tables:
        names = dict(conn.execute("SELECT id, name FROM notetypes"))
        fields: dict[int, list[tuple[int, str]]] = {}
        for ntid, ord_, name in conn.execute("SELECT ntid, ord, name FROM fields"):
            fields.setdefault(ntid, []).append((ord_, name))
        for ntid, name in names.items():
            flds = [n for _, n in sorted(fields.get(ntid, []))]
            out[ntid] = (name, flds, "cloze" in name.lower())
        if out:
            return out
    row = conn.execute("SELECT models FROM col").fetchone()
    models = json.loads(row[0]) if row and row[0] else {}
    for mid, m in models.items():
        flds = [f["name"] for f in sorted(m.get("flds", []), key=lambda f: f.get("ord", 0))]
        out[int(mid)] = (str(m.get("name", mid)), flds, m.get("type") == 1)
    return out


def _cloze(text: str) -> tuple[str, str]:
    question = _CLOZE.sub(lambda m: f"[{m.group(2) or '...'}]", text)
    answer = _CLOZE.sub(lambda m: f"**{m.group(1)}**", text)
    return question, answer


def parse_apkg(raw: bytes, file: str) -> tuple[list[Note], list[str]]:
    data = _collection(raw, file)
    conn = sqlite3.connect(":memory:")
    try:
        try:
            conn.deserialize(data)
            types = _notetypes(conn)
            rows = conn.execute("SELECT mid, flds, tags FROM notes ORDER BY id").fetchall()
        except (sqlite3.Error, json.JSONDecodeError, AttributeError, TypeError, KeyError) as e:
            msg = f"the collection inside is not an Anki collection this version can read ({type(e).__name__}: {e})"
            raise ParseProblem([Problem(file, 1, msg)]) from None
    finally:
        conn.close()
    notes: list[Note] = []
    skips = _Skips()
    for no, (mid, flds, tags_text) in enumerate(rows, start=1):
        values = str(flds).split("\x1f")
        tags = str(tags_text or "").split()
        name, field_names, is_cloze = types.get(mid, (f"#{mid} (unknown)", [], False))
        by_name = {n.lower(): v for n, v in zip(field_names, values, strict=False)}
        trap = level = ""
        if is_cloze:
            text = by_name.get("text", values[0])
            raw_q, raw_a = _cloze(text)
            extra = by_name.get("back extra", values[1] if len(values) > 1 else "")
            raw_a = f"{raw_a}<br>{extra}" if extra.strip() else raw_a
            skips.notetypes[f"{name} (cloze): one card per note, every deletion hidden at once"] += 1
        elif "front" in by_name and "back" in by_name:
            raw_q, raw_a = by_name["front"], by_name["back"]
        elif "question" in by_name and "answer" in by_name:
            raw_q, raw_a = by_name["question"], by_name["answer"]
            trap, level = plain(by_name.get("trap", ""), is_html=True), by_name.get("level", "")
        elif len(values) >= 2:
            raw_q, raw_a = values[0], values[1]
            first, second = [*field_names, "field 1", "field 2"][:2]
            skips.notetypes[
                f"{name}: took its first field ({first}) as the question, the second ({second}) as the answer"
            ] += 1
        else:
            skips.empty += 1
            continue
        note = Note(no, plain(raw_q, is_html=True), plain(raw_a, is_html=True), trap, _level(tags, level), tags)
        kept = _keep(note, raw_q, raw_a, skips)
        if kept is not None:
            notes.append(kept)
    if not rows:
        raise ParseProblem([Problem(file, 1, "the package holds no notes")])
    return notes, skips.messages()
