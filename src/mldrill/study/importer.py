"""Import the user's own cards from Markdown or CSV into a user deck.

Markdown format (one card per block; blocks separated by a line holding only `---`):

    Q: What does the softmax temperature do?
    A: Divides the logits before the softmax. T < 1 sharpens,
       T > 1 flattens; T -> 0 is argmax.
    T: "It changes which token is most likely" -- it never changes the argmax.   (optional: the trap)
    L: L2                                                                         (optional: L1 | L2 | L3, default L2)
    Tags: sampling, decoding                                                      (optional)
    ---
    Q: ...

A field runs until the next field or the end of the block, so answers can hold several lines, lists and $LaTeX$.
Lines starting with `<!--` ... `-->` on their own are comments.

CSV format: a header row with `question` and `answer` columns, and optionally `trap`, `level`, `tags`
(comma-separated inside the cell).

Anki: "Notes in Plain Text" exports (.txt, told from Markdown by Anki's header lines or tab-separated fields) and
.apkg packages in both collection formats (study/anki_import.py); what could not be read is said in the result's
`notes` (skipped media-only notes, note types mapped by position).

Every problem names the file and line, and the import is all-or-nothing: one bad card imports nothing, so a fixed
file can simply be imported again. A file holds at most 20 MiB and 100,000 cards. Re-importing a card with the same
question updates it. Text is stored raw and is always rendered through the sanitizer (mldrill.render.md_to_html).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select, update

from mldrill.catalog.loader import Problem
from mldrill.catalog.schema import LEVELS
from mldrill.store import Database, UserCard
from mldrill.store.models import Base
from mldrill.study.clock import utcnow

_FIELD = re.compile(r"^(Q|A|T|L|Tags)\s*:\s?(.*)$", re.IGNORECASE)
_NAMES = {"q": "question", "a": "answer", "t": "trap", "l": "level", "tags": "tags"}
CSV_COLUMNS = ("question", "answer", "trap", "level", "tags")
MAX_BYTES = 20 * 1024 * 1024  # the web upload's limit too (web/data.py)
MAX_CARDS = 100_000


@dataclass
class ParsedCard:
    line: int
    question: str = ""
    answer: str = ""
    trap: str = ""
    level: str = "L2"
    tags: list[str] = field(default_factory=list)


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def slug(text: str, n: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:n].strip("-") or "card"


def card_id(deck: str, question: str, *, deck_is_slug: bool = False) -> str:
    digest = hashlib.sha1(question.strip().encode()).hexdigest()[:8]
    return f"user/{deck if deck_is_slug else slug(deck, 60)}/{slug(question)}-{digest}"


def parse_markdown(text: str, file: str) -> list[ParsedCard]:
    cards: list[ParsedCard] = []
    problems: list[Problem] = []
    block: list[tuple[int, str]] = []
    for no, line in enumerate([*text.splitlines(), "---"], start=1):
        stripped = line.strip()
        if stripped == "---":
            if any(s.strip() for _, s in block):
                card = _parse_block(block, file, problems)
                if card is not None:
                    cards.append(card)
            block = []
        elif not (stripped.startswith("<!--") and stripped.endswith("-->")):
            block.append((no, line))
    if problems:
        raise ImportFailed(problems)
    return cards


def _parse_block(block: list[tuple[int, str]], file: str, problems: list[Problem]) -> ParsedCard | None:
    values: dict[str, list[str]] = {}
    lines: dict[str, int] = {}
    current: str | None = None
    first = next(no for no, s in block if s.strip())
    for no, line in block:
        m = _FIELD.match(line)
        if m:
            name = _NAMES[m.group(1).lower()]
            if name in values:
                problems.append(Problem(file, no, f"field '{m.group(1)}:' given twice in one card"))
            values[name], lines[name], current = [m.group(2)], no, name
        elif current is None:
            if line.strip():
                problems.append(Problem(file, no, "text before the first field: a card starts with 'Q:'"))
                return None
        else:
            values[current].append(line)
    joined = {k: "\n".join(v).strip() for k, v in values.items()}
    ok = True
    for need in ("question", "answer"):
        if not joined.get(need):
            problems.append(Problem(file, lines.get(need, first), f"card has no {need} ('{need[0].upper()}:' line)"))
            ok = False
    level = joined.get("level", "L2").upper()
    if level not in LEVELS:
        problems.append(Problem(file, lines["level"], f"level must be L1, L2 or L3, got {joined['level']!r}"))
        ok = False
    if not ok:
        return None
    tags = [t.strip() for t in joined.get("tags", "").split(",") if t.strip()]
    return ParsedCard(first, joined["question"], joined["answer"], joined.get("trap", ""), level, tags)


def parse_csv(text: str, file: str) -> list[ParsedCard]:
    reader = csv.DictReader(io.StringIO(text, newline=""))  # newline="" keeps line breaks inside quoted cells
    header = [h.strip().lower() for h in reader.fieldnames or []]
    problems: list[Problem] = []
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if "question" not in header or "answer" not in header or unknown:
        msg = f"header must name 'question' and 'answer' (optional: trap, level, tags); got {header}"
        raise ImportFailed([Problem(file, 1, msg)])
    reader.fieldnames = header
    cards = []
    end = reader.line_num  # the header's last line
    for row in reader:
        no, end = end + 1, reader.line_num  # a quoted cell may span lines: report where the record starts
        if None in row:
            problems.append(Problem(file, no, f"row has more cells than the header's {len(header)} columns"))
            continue
        vals = {k: (v or "").strip() for k, v in row.items()}
        level = (vals.get("level") or "L2").upper()
        missing = [k for k in ("question", "answer") if not vals.get(k)]
        if missing:
            problems.append(Problem(file, no, f"empty {' and '.join(missing)}"))
        elif level not in LEVELS:
            problems.append(Problem(file, no, f"level must be L1, L2 or L3, got {vals['level']!r}"))
        else:
            tags = [t.strip() for t in vals.get("tags", "").split(",") if t.strip()]
            cards.append(ParsedCard(no, vals["question"], vals["answer"], vals.get("trap", ""), level, tags))
    if problems:
        raise ImportFailed(problems)
    return cards


def parse_file(path: Path) -> list[ParsedCard]:
    return parse_file_with_notes(path)[0]


def parse_file_with_notes(path: Path) -> tuple[list[ParsedCard], list[str]]:
    """The file's cards and what the import should say about what it left out (Anki files)."""
    from mldrill.study import anki_import

    suffix = path.suffix.lower()
    if suffix not in (".md", ".markdown", ".txt", ".csv", ".apkg"):
        msg = f"unsupported file type '{suffix}' (use .md, .csv, Anki's plain-text .txt or an Anki .apkg)"
        raise ImportFailed([Problem(str(path), 1, msg)])
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            msg = f"the file is larger than {MAX_BYTES // 2**20} MiB; split it into several decks"
            raise ImportFailed([Problem(str(path), 1, msg)])
        notes: list[str] = []
        if suffix == ".apkg":
            try:
                parsed, notes = anki_import.parse_apkg(raw, str(path))
            except anki_import.ParseProblem as e:
                raise ImportFailed(e.problems) from None
            cards = [ParsedCard(n.where, n.question, n.answer, n.trap, n.level, n.tags) for n in parsed]
        else:
            text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise ImportFailed([Problem(str(path), 1, f"cannot read file: {e}")]) from None
    if suffix == ".csv":
        cards = parse_csv(text, str(path))
    elif suffix == ".txt" and anki_import.looks_like_anki_text(text):
        try:
            parsed, notes = anki_import.parse_text(text, str(path))
        except anki_import.ParseProblem as e:
            raise ImportFailed(e.problems) from None
        cards = [ParsedCard(n.where, n.question, n.answer, n.trap, n.level, n.tags) for n in parsed]
    elif suffix != ".apkg":
        cards = parse_markdown(text, str(path))
    if len(cards) > MAX_CARDS:
        msg = f"{len(cards)} cards; at most {MAX_CARDS} can be imported at once: split the file"
        raise ImportFailed([Problem(str(path), 1, msg)])
    return cards, notes


@dataclass(frozen=True)
class ImportResult:
    deck: str
    added: int
    updated: int
    ids: list[str]
    notes: list[str] = field(default_factory=list)  # what was left out or mapped by guess (Anki files)


def import_file(db: Database, path: Path, *, deck: str | None = None) -> ImportResult:
    """Parse everything first; write nothing unless the whole file is valid.

    Linear in the number of cards: duplicates are found with one count, the deck's existing ids are read with one
    query, and new and changed cards are written as two bulk statements (64,000 cards: about 2 s; one ORM
    round trip per card took 45 s, mostly autoflushes that each re-walked the growing session)."""
    cards, notes = parse_file_with_notes(path)
    if not cards:
        why = "; ".join(notes) or "a card starts with 'Q:'; see `mldrill import --help`"
        raise ImportFailed([Problem(str(path), 1, f"no cards found ({why})")])
    deck = slug(deck or path.stem, 60)
    ids = [card_id(deck, c.question, deck_is_slug=True) for c in cards]
    seen = Counter(ids)
    if len(seen) < len(ids):
        lines = [
            Problem(str(path), c.line, "the same question appears twice")
            for c, i in zip(cards, ids, strict=True)
            if seen[i] > 1
        ]
        raise ImportFailed(lines)
    now = utcnow()
    rows = [
        {
            "id": cid,
            "question": c.question,
            "answer": c.answer,
            "trap": c.trap,
            "level": c.level,
            "tags": c.tags,
            "source": f"{path}:{c.line}"[:500],
        }
        for c, cid in zip(cards, ids, strict=True)
    ]
    with db.session() as s:
        existing = set(s.scalars(select(UserCard.id).where(UserCard.id.startswith(f"user/{deck}/", autoescape=True))))
        new = [{**r, "deck": deck, "created_at": now} for r in rows if r["id"] not in existing]
        changed = [r for r in rows if r["id"] in existing]
        if new:
            s.execute(insert(Base.metadata.tables["user_card"]), new)  # Core executemany: no ORM work per row
        if changed:
            s.execute(update(UserCard), changed)  # bulk UPDATE by primary key
    return ImportResult(deck, len(new), len(changed), ids, notes)
