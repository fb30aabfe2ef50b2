"""Importing Anki's exports: Notes in Plain Text (with and without header lines) and .apkg packages in the older
format (written by genanki) and the current one (collection.anki21b, zstd-compressed SQLite built here by hand);
HTML sanitized; what cannot be read named; all or nothing."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest

from minicontent import mini_catalog
from mldrill.store import Database, UserCard
from mldrill.study.anki import build_package, package_bytes
from mldrill.study.importer import ImportFailed, import_file
from mldrill.study.items import catalog_items


def _rows(db: Database, deck: str) -> list[tuple[str, str, str, str, list[str]]]:
    with db.session() as s:
        rows = s.query(UserCard).filter_by(deck=deck).order_by(UserCard.source).all()
        return [(r.question, r.answer, r.trap, r.level, r.tags) for r in rows]


def test_plain_text_with_anki_headers_html_and_tags(db: Database, tmp_path: Path) -> None:
    p = tmp_path / "anki-notes.txt"
    p.write_text(
        "#separator:tab\n#html:true\n#tags column:3\n"
        "What is <b>attention</b>?\tsoftmax(QK<sup>T</sup>/&radic;d)&nbsp;V<br>weights sum to 1\tnlp level::L1\n"
        '"Two\nlines?"\t"An answer with a ""quote"" and <script>alert(1)</script>a tab-free cell"\t\n'
        "Math \\(x^2\\)?\t\\[y = x\\]\t\n",
        encoding="utf-8",
    )
    res = import_file(db, p)
    assert (res.deck, res.added, res.notes) == ("anki-notes", 3, [])
    rows = _rows(db, "anki-notes")
    assert rows[0] == ("What is **attention**?", "softmax(QKT/√d) V\nweights sum to 1", "", "L1", ["nlp", "level::L1"])
    assert rows[1][:2] == ("Two\nlines?", 'An answer with a "quote" and a tab-free cell')  # the script is gone
    assert rows[2][:2] == ("Math $x^2$?", "$$y = x$$")


def test_plain_text_without_header_and_its_errors(db: Database, tmp_path: Path) -> None:
    p = tmp_path / "old.txt"
    p.write_text("front one\tback one\nfront two\tback two\n", encoding="utf-8")
    assert import_file(db, p).added == 2
    bad = tmp_path / "bad.txt"
    bad.write_text("#separator:Semicolon\nq1;a1\nonly a question\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"bad.txt:3: 1 field\(s\): a note needs a question and an answer"):
        import_file(db, bad)
    with db.session() as s:
        assert s.query(UserCard).filter_by(deck="bad").count() == 0  # all or nothing
    md = tmp_path / "cards.txt"  # a Markdown deck saved as .txt is still Markdown
    md.write_text("Q: a markdown question\tstill\nA: an answer\n", encoding="utf-8")
    assert _rows_after(db, md) == [("a markdown question\tstill", "an answer")]


def _rows_after(db: Database, path: Path) -> list[tuple[str, str]]:
    res = import_file(db, path)
    return [(q, a) for q, a, *_ in _rows(db, res.deck)]


def _genanki_package(tmp_path: Path) -> Path:
    deck = genanki.Deck(2_059_400_110, "Old deck")
    custom = genanki.Model(
        1_380_120_064,
        "Vocabulary",
        fields=[{"name": "Term"}, {"name": "Definition"}, {"name": "Example"}],
        templates=[{"name": "c", "qfmt": "{{Term}}", "afmt": "{{Definition}}"}],
    )
    notes = [
        genanki.Note(genanki.BASIC_MODEL, ["What is <i>dropout</i>?", "Zeroing units at random."], tags=["reg"]),
        genanki.Note(genanki.CLOZE_MODEL, ["Adam keeps {{c1::two}} moments and {{c2::a bias fix::how many}}", "extra"]),
        genanki.Note(custom, ["perplexity", "exp of the mean NLL", "ppl of 1 = certain"]),
        genanki.Note(genanki.BASIC_MODEL, ['<img src="diagram.png">', "the answer is a picture"]),
        genanki.Note(genanki.BASIC_MODEL, ["Say it", "[sound:hello.mp3]"]),
    ]
    for n in notes:
        deck.add_note(n)
    path = tmp_path / "old-deck.apkg"
    genanki.Package(deck).write_to_file(path)
    return path


def test_older_apkg_by_note_type_with_media_only_notes_skipped(db: Database, tmp_path: Path) -> None:
    res = import_file(db, _genanki_package(tmp_path))
    assert res.added == 3
    assert res.notes == [
        "2 note(s) skipped: the question or answer is only an image or a sound (media files are not imported)",
        "1 note(s) of note type Cloze (genanki) (cloze): one card per note, every deletion hidden at once",
        "1 note(s) of note type Vocabulary: took its first field (Term) as the question, the second (Definition) "
        "as the answer",
    ]
    rows = _rows(db, "old-deck")
    assert rows[0] == ("What is *dropout*?", "Zeroing units at random.", "", "L2", ["reg"])
    assert rows[1][:2] == (
        "Adam keeps [...] moments and [how many]",
        "Adam keeps **two** moments and **a bias fix**\nextra",
    )
    assert rows[2][:2] == ("perplexity", "exp of the mean NLL")


def test_mldrill_export_round_trips_through_apkg_import(db: Database, tmp_path: Path) -> None:
    items = catalog_items(mini_catalog(tmp_path / "content"))
    path = tmp_path / "mine.apkg"
    path.write_bytes(package_bytes(build_package(list(items.values()))))
    res = import_file(db, path)
    assert (res.added, res.notes) == (len(items), [])
    got = {q: (a, t, lvl) for q, a, t, lvl, _ in _rows(db, "mine")}
    for it in items.values():
        assert got[it.question] == (it.answer, it.trap, it.level)  # $x^2$ -> \(x^2\) in Anki -> $x^2$ again


def _current_format_collection(notes: list[tuple[int, str, str]]) -> bytes:
    """A collection in the shape of Anki 2.1.50+'s schema: note types in `notetypes` + `fields`, not col.models."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(
        """
        CREATE TABLE col (id integer primary key, crt integer, mod integer, scm integer, ver integer, dty integer,
                          usn integer, ls integer, conf text, models text, decks text, dconf text, tags text);
        INSERT INTO col VALUES (1, 0, 0, 0, 18, 0, 0, 0, '', '', '', '', '');
        CREATE TABLE notetypes (id integer primary key, name text, mtime_secs integer, usn integer, config blob);
        CREATE TABLE fields (ntid integer, ord integer, name text, config blob, primary key (ntid, ord));
        CREATE TABLE notes (id integer primary key, guid text, mid integer, mod integer, usn integer, tags text,
                            flds text, sfld integer, csum integer, flags integer, data text);
        INSERT INTO notetypes VALUES (11, 'Basic', 0, 0, x''), (12, 'Cloze', 0, 0, x'');
        INSERT INTO fields VALUES (11, 1, 'Back', x''), (11, 0, 'Front', x''), (12, 0, 'Text', x''),
                                  (12, 1, 'Back Extra', x'');
        """
    )
    for i, (mid, flds, tags) in enumerate(notes, start=1):
        conn.execute("INSERT INTO notes VALUES (?, ?, ?, 0, 0, ?, ?, '', 0, 0, '')", (i, f"g{i}", mid, tags, flds))
    conn.commit()
    data = conn.serialize()
    conn.close()
    return data


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_current_format_apkg_is_read_from_the_zstd_collection(db: Database, tmp_path: Path) -> None:
    zstandard = pytest.importorskip("zstandard")
    collection = _current_format_collection(
        [(11, "Front <b>new</b>\x1fBack&amp;more", " level::L3 fsrs "), (12, "A {{c1::cloze}}.\x1f", "")]
    )
    legacy_stub = _current_format_collection([(11, "Please update to the latest Anki version\x1f.", "")])
    path = tmp_path / "modern.apkg"
    path.write_bytes(
        _zip(
            {
                "collection.anki2": legacy_stub,  # what Anki leaves for old versions: must not be read
                "collection.anki21b": zstandard.ZstdCompressor().compress(collection),
                "media": b"",
            }
        )
    )
    res = import_file(db, path)
    assert res.added == 2
    rows = _rows(db, "modern")
    assert rows[0] == ("Front **new**", "Back&more", "", "L3", ["level::L3", "fsrs"])
    assert rows[1][:2] == ("A [...].", "A **cloze**.")


@pytest.mark.parametrize(
    ("members", "needle"),
    [
        (None, "not an Anki package: an .apkg file is a zip archive"),
        ({"media": b"{}", "0": b"png"}, "no Anki collection inside (it holds only media files)"),
        ({"collection.anki2": b"not sqlite at all" * 10}, "not an Anki collection this version can read"),
        ({"collection.anki21b": b"\x28\xb5\x2f\xfd garbage"}, "collection.anki21b is not readable zstd data"),
        ({"collection.anki2": _current_format_collection([])}, "the package holds no notes"),
    ],
)
def test_unreadable_packages_say_why_and_import_nothing(
    db: Database, tmp_path: Path, members: dict[str, bytes] | None, needle: str
) -> None:
    if members and "collection.anki21b" in members:
        pytest.importorskip("zstandard")
    path = tmp_path / "broken.apkg"
    path.write_bytes(b"PK\x03\x04 this is not a zip" if members is None else _zip(members))
    with pytest.raises(ImportFailed, match=__import__("re").escape(needle)):
        import_file(db, path)
    with db.session() as s:
        assert s.query(UserCard).count() == 0


def test_a_package_of_only_media_notes_imports_nothing_and_says_why(db: Database, tmp_path: Path) -> None:
    collection = _current_format_collection([(11, '<img src="a.png">\x1f<img src="b.png">', "")])
    path = tmp_path / "pictures.apkg"
    path.write_bytes(_zip({"collection.anki21": collection}))
    with pytest.raises(ImportFailed, match=r"no cards found \(1 note\(s\) skipped: the question or answer is only"):
        import_file(db, path)


def test_pathological_fields_convert_in_linear_time() -> None:
    import time

    from mldrill.study.anki_import import _cloze, html_to_text

    for blob in (" " * 400_000 + "x", "{{c1::" * 100_000, "<b>" * 100_000 + "x"):
        t = time.perf_counter()
        html_to_text(blob)
        _cloze(blob)
        assert time.perf_counter() - t < 5  # quadratic work on 400,000 characters would take minutes
