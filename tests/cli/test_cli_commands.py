"""The read and data commands through typer's runner, against a tiny catalog and a fresh database."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from minicontent import mini_catalog
from mldrill.catalog.katas import get_katas
from mldrill.catalog.loader import get_catalog
from mldrill.cli import app

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    mini_catalog(tmp_path / "content")
    monkeypatch.setenv("MLDRILL_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("MLDRILL_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    get_catalog.cache_clear()
    yield tmp_path
    get_catalog.cache_clear()


def run(*args: str, code: int = 0) -> str:
    res = runner.invoke(app, list(args), catch_exceptions=False)
    assert res.exit_code == code, res.output
    return res.output


def test_topics_and_show_json(env: Path) -> None:
    rows = json.loads(run("topics", "--json"))
    assert [(r["id"], r["cards"], r["seen"]) for r in rows] == [("alpha", 4, 0), ("beta", 2, 0)]
    topic = json.loads(run("show", "alpha", "--json"))
    assert topic["remember"] == "Remember alpha." and len(topic["cards"]) == 4
    assert "x²" in run("show", "alpha")  # formulas readable in a terminal
    assert "did you mean alpha" in run("show", "alph", code=1)


def test_stats_and_log_json_on_an_empty_history(env: Path) -> None:
    st = json.loads(run("stats", "--json"))
    assert st["due_today"] == 0 and st["new_available"] == 6 and st["streak_days"] == 0
    assert json.loads(run("log", "--json")) == []
    assert "unknown status" in run("log", "--status", "meh", code=1)


def test_content_check_reports_and_exits_non_zero(env: Path) -> None:
    ok = json.loads(run("content", "check", "--json"))
    assert ok == {"ok": True, "topics": 2, "cards": 6, "problems": []}
    bad = env / "content" / "numerics-losses" / "alpha.yaml"
    bad.write_text(bad.read_text().replace("level: L3", "level: L5"))
    out = json.loads(run("content", "check", "--json", code=1))
    assert out["problems"][0]["file"].endswith("numerics-losses/alpha.yaml") and "L5" in out["problems"][0]["message"]


def test_import_export_backup_restore(env: Path) -> None:
    md = env / "mine.md"
    md.write_text("Q: What is <b>bold</b>?\nA: An answer.\n---\nQ: Second?\nA: Yes.\n")
    res = json.loads(run("import", str(md), "--json"))
    assert (res["deck"], res["added"]) == ("mine", 2)
    bad = env / "bad.md"
    bad.write_text("Q: no answer\n")
    assert "bad.md:1" in run("import", str(bad), code=1)
    out = json.loads(run("export", "--anki", str(env / "x.apkg"), "--json"))
    assert out["notes"] == 8 and out["decks"]["mldrill::My cards::mine"] == 2
    with zipfile.ZipFile(env / "x.apkg") as z:
        z.extract("collection.anki2", env)
    assert sqlite3.connect(env / "collection.anki2").execute("SELECT count(*) FROM notes").fetchone()[0] == 8
    run("backup", str(env / "b1.json"))
    (env / "db.sqlite").unlink()
    run("restore", str(env / "b1.json"))
    run("backup", str(env / "b2.json"))
    assert (env / "b1.json").read_text() == (env / "b2.json").read_text()
    run("restore", str(env / "b1.json"), "--yes")  # non-empty now: a safety copy is written first
    assert list((env / "data" / "mldrill" / "backups").glob("before-restore-*.json"))


def test_restore_refuses_garbage(env: Path) -> None:
    junk = env / "junk.json"
    junk.write_text('{"format": "nope"}')
    assert "not an mldrill backup" in run("restore", str(junk), code=1)


def test_config_shows_validates_and_saves(env: Path) -> None:
    assert json.loads(run("config", "--json"))["new_per_day"] == 20
    run("config", "new_per_day", "5")
    assert json.loads(run("config", "new_per_day", "--json")) == {"new_per_day": 5}
    assert "from 0.7 to 0.99" in run("config", "desired_retention", "2", code=1)
    assert "unknown setting" in run("config", "nope", "1", code=1)
    run("config", "timezone", "Europe/Paris")
    assert json.loads(run("config", "--json"))["timezone"] == "Europe/Paris"
    assert "timezone" in run("config", "timezone", "Mars/Olympus", code=1)
    assert json.loads(run("stats", "--json"))["new_left_today"] == 5
    # the settings of study control, checked by the same rules as restore (store/backup_check.py)
    run("config", "learning_steps", "[2, 15, 60]")
    run("config", "track", "llm-engineer")
    run("config", "interview_date", "2030-01-15")
    run("config", "theme", "dark")
    shown = json.loads(run("config", "--json"))
    assert shown["learning_steps"] == [2, 15, 60] and shown["track"] == "llm-engineer" and shown["theme"] == "dark"
    assert shown["interview_date"] == "2030-01-15" and shown["plan_start"]  # the plan starts the day it is set
    assert "ml-generalist" in run("config", "track", "astronaut", code=1)  # lists the known tracks
    assert "YYYY-MM-DD" in run("config", "interview_date", "15/01/2030", code=1)
    assert "auto, light, dark" in run("config", "theme", "blue", code=1)
    assert "from 1 to 1440" in run("config", "learning_steps", "[0]", code=1)


def test_kata_commands(env: Path) -> None:
    listed = json.loads(run("kata", "list", "--json"))
    assert {"stable-softmax", "layer-norm"} <= {k["id"] for k in listed}
    catches = {k["id"]: k["catches"] for k in listed}
    assert catches["stable-softmax"] == len(get_katas()["stable-softmax"].mutants()[1]) >= 4
    assert "try it first" in run("kata", "solution", "stable-softmax", code=1)
    assert "softmax.py" in run("kata", "start", "stable-softmax")
    failed = json.loads(run("kata", "check", "stable-softmax", "--json", code=1))
    assert "changes the starter" in run("kata", "solution", "stable-softmax", code=1)  # the untouched starter
    assert failed["status"] == "failed" and failed["attempt"] == 1
    good = env / "good.py"
    good.write_text(
        "import numpy as np\ndef softmax(x, axis=-1):\n    e = np.exp(x - x.max(axis=axis, keepdims=True))\n"
        "    return e / e.sum(axis=axis, keepdims=True)\n"
    )
    passed = json.loads(run("kata", "check", "stable-softmax", str(good), "--json"))
    assert passed["status"] == "passed" and passed["rating"] == 2 and passed["attempt"] == 2
    assert "def softmax" in run("kata", "solution", "stable-softmax")
    assert [k["id"] for k in json.loads(run("kata", "list", "--show", "solved", "--json"))] == ["stable-softmax"]
    unsolved_torch = json.loads(
        run("kata", "list", "--show", "unsolved", "--framework", "torch", "--level", "L2", "--json")
    )
    assert unsolved_torch and all(k["framework"].startswith("torch") and k["level"] == "L2" for k in unsolved_torch)
    assert "expected one of unsolved, solved, due" in run("kata", "list", "--show", "done", code=1)
    assert "hint 1/" in run("kata", "hint", "stable-softmax")
    assert "keeping your existing work" in run("kata", "start", "stable-softmax")
    log = json.loads(run("log", "--json"))
    assert [r["item"] for r in log] == ["kata/stable-softmax"]


def test_kata_check_shows_the_failing_case_and_replays_a_seed(env: Path) -> None:
    naive = env / "naive.py"  # no max subtraction: NaN at logits of +-1000
    naive.write_text(
        "import numpy as np\ndef softmax(x, axis=-1):\n"
        "    e = np.exp(x)\n    return e / e.sum(axis=axis, keepdims=True)\n"
    )
    runs = [
        json.loads(run("kata", "check", "stable-softmax", str(naive), "--json", "--seed", "123", code=1)) for _ in "ab"
    ]
    assert runs[0]["seed"] == runs[1]["seed"] == 123
    same = [[{k: v for k, v in c.items() if k != "duration_s"} for c in r["checks"]] for r in runs]
    assert same[0] == same[1]  # the same seed replays the same inputs and the same failures
    big = next(c for c in runs[0]["checks"] if c["name"] == "finite at logits of +-1000")
    assert (
        not big["passed"]
        and big["call"] == 1
        and "nan" in big["actual"]
        and big["expected"]
        and "array(float64" in big["input"]
    )
    other = json.loads(run("kata", "check", "stable-softmax", str(naive), "--json", code=1))
    assert (
        other["seed"] != 123 and next(c for c in other["checks"] if c["name"] == big["name"])["input"] != big["input"]
    )
    text = run("kata", "check", "stable-softmax", str(naive), "--seed", "123", code=1)
    assert "replay with: mldrill kata check stable-softmax --seed 123" in text
    assert "input (call 1):" in text and "expected:" in text and "got:" in text


def test_content_stats(env: Path) -> None:
    rows = {r["area"]: r for r in json.loads(run("content", "stats", "--json"))}
    assert rows["attention-transformers"]["cards"] == 2 and rows["attention-transformers"]["met"] is False


def test_drill_r_reports_a_card_and_reports_export_writes_markdown(env: Path) -> None:
    """In the terminal drill, r (once the answer shows) asks for a note; an empty one reports nothing; then the
    card is rated as usual. `mldrill reports export` writes them as Markdown. The card's sources show under its
    answer, as plain text (no rich markup from content)."""
    import yaml

    alpha = env / "content" / "numerics-losses" / "alpha.yaml"
    data = yaml.safe_load(alpha.read_text())
    data["cards"][0]["sources"] = ["Paper §3 [bold]not markup[/bold] with $x^2$"]
    alpha.write_text(yaml.safe_dump(data, sort_keys=False))
    out = runner.invoke(app, ["drill", "--topic", "alpha"], input=" r\nr§2 is off\n3q", catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert "no report" in out.output and "report saved" in out.output
    answer_then_sources = out.output.split("Answer of alpha/a1")[1]
    assert "Sources:\n  • Paper §3 [bold]not markup[/bold] with x²" in answer_then_sources
    assert "1 rating(s)" in out.output
    assert "1 report(s)" in run("reports", "export", str(env / "r.md"))
    md = (env / "r.md").read_text()
    assert "## alpha/a1\n" in md and "> §2 is off" in md and "card sha256 " in md
    listed = run("reports", "list")
    assert "alpha/a1" in listed and "§2 is off" in listed


def test_restore_refuses_a_bad_value_by_name_and_changes_nothing(env: Path) -> None:
    (env / "mine.md").write_text("Q: q?\nA: a\n")
    run("import", str(env / "mine.md"))
    run("backup", str(env / "b.json"))
    data = json.loads((env / "b.json").read_text())
    data["tables"]["setting"] = [{"key": "timezone", "value": "Not/AZone"}]
    (env / "bad.json").write_text(json.dumps(data))
    out = run("restore", str(env / "bad.json"), "--yes", code=1)
    assert "table setting, row 0 (timezone), field value: timezone must be an IANA time zone" in " ".join(out.split())
    run("backup", str(env / "after.json"))
    assert (env / "after.json").read_text() == (env / "b.json").read_text()
    assert not (env / "data" / "mldrill" / "backups").exists()  # refused before the safety copy


def test_errors_quoting_the_file_are_not_read_as_markup(env: Path) -> None:
    """A value like `[/]` in a deck or a backup is quoted in the error: it used to crash rich's markup parser."""
    bad = env / "bad.md"
    bad.write_text("Q: q\nA: a\nL: [/]\n")
    assert "level must be L1, L2 or L3, got '[/]'" in run("import", str(bad), code=1)
    run("backup", str(env / "b.json"))
    data = json.loads((env / "b.json").read_text())
    data["tables"]["setting"] = [{"key": "timezone", "value": "[/][bold]"}]
    (env / "bad.json").write_text(json.dumps(data))
    assert "got '[/][bold]'" in run("restore", str(env / "bad.json"), code=1)
