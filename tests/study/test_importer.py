"""Importing the user's own cards: the documented Markdown and CSV formats, errors with file:line, all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from mldrill.store import Database, UserCard
from mldrill.study.importer import ImportFailed, import_file, parse_markdown

GOOD_MD = """<!-- my sampling deck -->
Q: What does temperature do?
A: Divides the logits before the softmax.
   T < 1 sharpens; T -> 0 is argmax.
T: It changes the argmax -- it never does.
L: l3
Tags: sampling, decoding
---

Q: What is top-p?
A: Keep the smallest prefix of sorted tokens with mass >= p.
"""


def test_markdown_format(tmp_path: Path) -> None:
    cards = parse_markdown(GOOD_MD, "deck.md")
    assert [c.line for c in cards] == [2, 10]
    a, b = cards
    assert a.answer == "Divides the logits before the softmax.\n   T < 1 sharpens; T -> 0 is argmax."
    assert (a.trap, a.level, a.tags) == ("It changes the argmax -- it never does.", "L3", ["sampling", "decoding"])
    assert (b.trap, b.level, b.tags) == ("", "L2", [])


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("Q: q\n", 1, "no answer"),
        ("A: only an answer\n", 1, "no question"),
        ("Q: q\nA: a\n---\nQ: q2\nA: a2\nL: L7\n", 6, "level must be"),
        ("stray text\nQ: q\nA: a\n", 1, "text before the first field"),
        ("Q: q\nA: a\nQ: again\n", 3, "given twice"),
    ],
)
def test_markdown_errors_name_file_and_line(text: str, line: int, needle: str) -> None:
    with pytest.raises(ImportFailed) as e:
        parse_markdown(text, "f.md")
    assert any(p.line == line and needle in p.message and p.file == "f.md" for p in e.value.problems), e.value.problems


def test_import_is_all_or_nothing_and_reimport_updates(db: Database, tmp_path: Path) -> None:
    good = tmp_path / "sampling.md"
    good.write_text(GOOD_MD)
    res = import_file(db, good)
    assert (res.deck, res.added, res.updated) == ("sampling", 2, 0)
    bad = tmp_path / "sampling2.md"
    bad.write_text(GOOD_MD + "---\nQ: broken\n")
    with pytest.raises(ImportFailed, match=r"sampling2.md:13: card has no answer"):
        import_file(db, bad, deck="sampling")
    with db.session() as s:
        assert s.query(UserCard).count() == 2
    good.write_text(GOOD_MD.replace("argmax.\n", "argmax (edited).\n"))
    res = import_file(db, good)
    assert (res.added, res.updated) == (0, 2)
    with db.session() as s:
        row = s.get(UserCard, res.ids[0])
        assert row is not None and "edited" in row.answer and row.source.endswith("sampling.md:2")


def test_csv_format_and_errors(db: Database, tmp_path: Path) -> None:
    p = tmp_path / "mine.csv"
    p.write_text('question,answer,level,tags\n"What, exactly?","Multi\nline",L1,"x, y"\nQ2,A2,,\n')
    res = import_file(db, p)
    assert res.added == 2
    with db.session() as s:
        row = s.get(UserCard, res.ids[0])
        assert row is not None and (row.question, row.answer, row.level, row.tags) == (
            "What, exactly?",
            "Multi\nline",
            "L1",
            ["x", "y"],
        )
    bad = tmp_path / "bad.csv"
    bad.write_text("question,answer\nq1,a1\nq2,\nq3,a3,extra\n")
    with pytest.raises(ImportFailed) as e:
        import_file(db, bad)
    assert [(pr.line, pr.message.split(" ")[0]) for pr in e.value.problems] == [(3, "empty"), (4, "row")]
    with pytest.raises(ImportFailed, match=r"bad2.csv:1: header must name"):
        (tmp_path / "bad2.csv").write_text("q,a\n1,2\n")
        import_file(db, tmp_path / "bad2.csv")


def test_unsupported_and_unreadable_files(db: Database, tmp_path: Path) -> None:
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(ImportFailed, match="unsupported file type"):
        import_file(db, tmp_path / "x.pdf")
    (tmp_path / "bin.md").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ImportFailed, match="cannot read file"):
        import_file(db, tmp_path / "bin.md")


def _decks(n: int) -> tuple[str, str]:
    md = "\n---\n".join(
        f"Q: Question number {i} about $x_{{{i}}}$?\nA: Answer {i}\n   second line\nT: trap {i}\nL: L1\nTags: a, b"
        for i in range(n)
    )
    csv = "question,answer,trap,level,tags\n" + "".join(
        f'"Question {i}, in csv?",Answer {i},t,L3,"a,b"\n' for i in range(n)
    )
    return md, csv


def test_64000_cards_import_in_linear_time(sqlite_url: str, tmp_path: Path) -> None:
    """The import used to count duplicates with list.count and fetch every card in its own ORM round trip: 64,000
    cards took 45 s. CPU time (the machine running the suite is shared) must stay under 5 s for each format."""
    import time

    from mldrill.store import open_db

    db = open_db(sqlite_url)
    md, csv = _decks(64_000)
    (tmp_path / "big.md").write_text(md)
    (tmp_path / "big.csv").write_text(csv)
    for name in ("big.md", "big.csv"):
        start = time.process_time()
        res = import_file(db, tmp_path / name, deck=name.replace(".", "-"))
        took = time.process_time() - start
        assert took < 5.0, f"{name}: {took:.1f} s of CPU for 64,000 cards"
        assert len(res.ids) == 64_000
    assert (res.added, res.updated) == (64_000, 0)
    with db.session() as s:
        assert s.query(UserCard).count() == 128_000
        row = s.get(UserCard, res.ids[12_345])
        assert row is not None and (row.question, row.answer, row.level) == (
            "Question 12345, in csv?",
            "Answer 12345",
            "L3",
        )
    db.close()


def test_limits_give_a_clear_error_and_import_nothing(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mldrill.study import importer

    md, _ = _decks(60)
    (tmp_path / "many.md").write_text(md)
    monkeypatch.setattr(importer, "MAX_CARDS", 50)
    with pytest.raises(ImportFailed, match=r"many.md:1: 60 cards; at most 50 can be imported at once: split the file"):
        import_file(db, tmp_path / "many.md")
    monkeypatch.setattr(importer, "MAX_BYTES", 1000)
    with pytest.raises(ImportFailed, match=r"many.md:1: the file is larger than 0 MiB; split it"):
        import_file(db, tmp_path / "many.md")
    with db.session() as s:
        assert s.query(UserCard).count() == 0
    assert importer.MAX_CARDS == 50 and importer.MAX_BYTES == 1000  # (restored by monkeypatch afterwards)
