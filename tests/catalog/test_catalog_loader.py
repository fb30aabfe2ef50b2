"""The loader and validator report every problem at once, each with the right file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from minicontent import card, mini_catalog, topic, write_topics
from mldrill.catalog import load_catalog, validate
from mldrill.catalog.yamlfile import read_yaml


def test_clean_catalog_has_no_problems(tmp_path: Path) -> None:
    cat = mini_catalog(tmp_path)
    assert validate(cat) == []
    assert len(cat.topics) == 2 and len(cat.cards) == 6
    assert [c.id for c in cat.select(level="L1")] == ["alpha/a1", "beta/b2"]
    assert cat.area_of("beta/b1") == "attention-transformers"


def test_yaml_lines_are_tracked(tmp_path: Path) -> None:
    p = tmp_path / "x.yaml"
    p.write_text("id: t\ncards:\n  - id: t/a\n    level: L9\n  - id: t/b\n", encoding="utf-8")
    doc = read_yaml(p)
    assert doc.line_of(["cards", 0, "level"]) == 4
    assert doc.line_of(["cards", 1]) == 5
    assert doc.line_of(["cards", 1, "missing"]) == 5  # deepest known prefix


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_every_problem_is_reported_with_file_and_line(tmp_path: Path) -> None:
    write_topics(
        tmp_path,
        [
            topic(
                "alpha",
                "numerics-losses",
                [
                    card("alpha/a1", followups=["alpha/nope"]),
                    card("alpha/a1"),  # duplicate id
                    card("alpha/bad-level", level="L4"),
                    card("alpha/empty-trap", trap="   "),
                    card("alpha/bad-ref", refs=["mldrill.ref.no_such_module:f"]),
                    card("alpha/bad-attr", refs=["mldrill.ref:NoSuchThing"]),
                    card("beta/wrong-prefix"),
                    card("alpha/typo", folowups=["alpha/a1"]),
                ],
            ),
            topic("gamma", "not-an-area", [card("gamma/g1", kind="essay")]),
        ],
    )
    alpha = tmp_path / "numerics-losses" / "alpha.yaml"
    cat = load_catalog(tmp_path)
    problems = validate(cat)
    text = "\n".join(map(str, problems))
    expected = [
        ("alpha/nope", "does not exist"),
        ("duplicate card id 'alpha/a1'", "first at"),
        ("level", "L4"),
        ("trap", "must not be empty"),
        ("no_such_module", "not found"),
        ("NoSuchThing", "no such attribute"),
        ("must start with its topic id", "beta/wrong-prefix"),
        ("folowups", "unknown field"),
        ("unknown area 'not-an-area'", ""),
        ("kind", "essay"),
    ]
    for a, b in expected:
        assert any(a in str(p) and b in str(p) for p in problems), f"missing problem {a!r}/{b!r} in:\n{text}"
    # Lines point at the offending card or field.
    by_msg = {p.message: p for p in problems}
    level = next(p for m, p in by_msg.items() if "L4" in m)
    assert level.file.endswith("numerics-losses/alpha.yaml")
    assert level.line == _line_of(alpha, "level: L4")
    trap = next(p for m, p in by_msg.items() if m.startswith("cards.3.trap"))
    assert trap.line == _line_of(alpha, "trap: '   '")
    dup = next(p for m, p in by_msg.items() if "duplicate card id" in m)
    assert dup.line == [i for i, line in enumerate(alpha.read_text().splitlines(), 1) if "id: alpha/a1" in line][1]


def test_follow_up_cycles_and_self_links(tmp_path: Path) -> None:
    write_topics(
        tmp_path,
        [
            topic(
                "alpha",
                "numerics-losses",
                [
                    card("alpha/a", followups=["alpha/b"]),
                    card("alpha/b", followups=["alpha/c"]),
                    card("alpha/c", followups=["alpha/a"]),
                    card("alpha/d", followups=["alpha/d"]),
                ],
            )
        ],
    )
    problems = [p.message for p in validate(load_catalog(tmp_path))]
    assert any("cycle" in m and "alpha/a" in m and "alpha/c" in m for m in problems), problems
    assert any("lists itself" in m for m in problems)
    assert sum("cycle" in m for m in problems) == 1


def test_topic_must_live_in_its_area_folder(tmp_path: Path) -> None:
    t = topic("alpha", "numerics-losses", [card("alpha/a")])
    write_topics(tmp_path, [t])
    (tmp_path / "numerics-losses" / "alpha.yaml").rename(tmp_path / "numerics-losses" / "other.yaml")
    problems = validate(load_catalog(tmp_path))
    assert [p.message for p in problems] == [
        "topic 'alpha' of area 'numerics-losses' belongs in content/numerics-losses/alpha.yaml"
    ]


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("id: a\ntitle: [unclosed\n", 3, "YAML syntax error"),
        ("- just\n- a list\n", 1, "must be a mapping"),
        ("id: a\nid: b\n", 2, "duplicate key 'id'"),
        ("id: a\ntitle: greedy match with ## continuations\n", 2, "'title' is cut short"),
        ("id: a\nlist:\n  - one\n  - uses the ## marker\n", 4, "'list.1' is cut short"),
    ],
)
def test_malformed_files_name_file_and_line(tmp_path: Path, text: str, line: int, needle: str) -> None:
    p = tmp_path / "numerics-losses" / "a.yaml"
    p.parent.mkdir()
    p.write_text(text, encoding="utf-8")
    problems = validate(load_catalog(tmp_path))
    hit = [pr for pr in problems if needle in pr.message]
    assert hit, problems
    assert hit[0].line == line and hit[0].file.endswith("numerics-losses/a.yaml")


def test_kata_and_lab_links_are_checked_once_catalogs_exist(tmp_path: Path) -> None:
    write_topics(tmp_path, [topic("alpha", "numerics-losses", [card("alpha/a", katas=["softmax"], labs=["scaling"])])])
    cat = load_catalog(tmp_path)
    assert validate(cat) == []  # not checked while the kata/lab catalogs do not exist
    msgs = [p.message for p in validate(cat, kata_ids={"other"}, lab_ids=set())]
    assert any("kata 'softmax'" in m for m in msgs) and any("lab 'scaling'" in m for m in msgs)
    assert validate(cat, kata_ids={"softmax"}, lab_ids={"scaling"}) == []


@pytest.mark.parametrize(
    "text",
    [
        "Fan et al. used k = 10.",
        "GPT-2 (2019) used a 50,257-token vocabulary.",
        "PyTorch's default eps is 1e-5.",
        "Dropout was introduced to stop co-adaptation.",
        "The paper reports 46.7B parameters.",
    ],
)
def test_a_card_that_cites_needs_sources(tmp_path: Path, text: str) -> None:
    write_topics(tmp_path, [topic("alpha", "numerics-losses", [card("alpha/a", answer=text)])])
    path = tmp_path / "numerics-losses" / "alpha.yaml"
    problems = validate(load_catalog(tmp_path))
    assert [(p.line, "has no sources" in p.message) for p in problems] == [(_line_of(path, "alpha/a"), True)]
    write_topics(
        tmp_path, [topic("alpha", "numerics-losses", [card("alpha/a", answer=text, sources=["Some Author 2019, §3"])])]
    )
    assert validate(load_catalog(tmp_path)) == []


def test_a_card_that_cites_nothing_needs_no_sources_and_vague_sources_are_refused(tmp_path: Path) -> None:
    plain = card("alpha/a", answer="Divide by sqrt(d_k) to keep the logits' variance at 1.")  # no year, no author
    vague = card("alpha/b", answer="Plain.", sources=["paper"])
    write_topics(tmp_path, [topic("alpha", "numerics-losses", [plain, vague])])
    msgs = [p.message for p in validate(load_catalog(tmp_path))]
    assert msgs == ["card 'alpha/b': source 'paper' is too vague to check"]


def test_coverage_counts_cards_levels_and_followups_per_area(tmp_path: Path) -> None:
    from mldrill.catalog.coverage import coverage

    rows = {r.area: r for r in coverage(mini_catalog(tmp_path))}
    num = rows["numerics-losses"]
    assert (num.topics, num.cards, num.l3, num.with_followups, num.target) == (1, 4, 1, 1, 33)
    assert not num.met and rows["moe"].cards == 0 and len(rows) == 25
