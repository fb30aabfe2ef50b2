"""The lab contract for every lab: declared metadata, parameters a form can show, settled cards that exist and link
back, clear errors for bad input; and the `mldrill lab` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mldrill.catalog import get_catalog
from mldrill.catalog.areas import AREA_BY_ID
from mldrill.cli import app
from mldrill.labs import LabError, all_labs, coerce, get_lab, lab_ids, lab_infos
from mldrill.labs._core import Bool, Choice, Float, Int

runner = CliRunner()


def test_at_least_30_labs_covering_the_areas() -> None:
    labs = all_labs()
    assert len(labs) >= 30
    assert {lab.area for lab in labs} <= set(AREA_BY_ID)


@pytest.mark.parametrize("lab_id", lab_ids())
def test_contract(lab_id: str) -> None:
    lab = get_lab(lab_id)
    cat = get_catalog()
    limit = 600 if lab_id == "gpt_capstone" else 10  # the capstone trains a GPT: CPU minutes by design
    assert lab.title and lab.area in AREA_BY_ID and lab.topics and 0 < lab.seconds <= limit
    for t in lab.topics:
        assert t in cat.topics, f"{lab_id}: unknown topic {t}"
    for card in lab.settles:
        assert card in cat.cards, f"{lab_id} settles a card that does not exist: {card}"
        assert lab_id in cat.cards[card].labs, f"card {card} must link the lab that settles it: labs: [{lab_id}]"
    import inspect

    signature = inspect.signature(lab.module.run)
    assert list(signature.parameters) == list(lab.params), "run's keywords are exactly the declared parameters"
    for name, p in lab.params.items():
        assert signature.parameters[name].default == p.default, name
        assert p.help, f"{lab_id}.{name} needs a one-line meaning"
        if isinstance(p, Int | Float):
            assert p.lo <= p.default <= p.hi
        if isinstance(p, Choice):
            assert p.default in p.choices
    assert coerce(lab, {}) == lab.defaults
    if lab.predict:
        assert 0 <= lab.predict.answer < len(lab.predict.choices) and lab.predict.why
    info = next(i for i in lab_infos() if i.id == lab_id)  # the list page's source-read metadata agrees
    assert (info.title, info.area, info.topics, info.seconds) == (lab.title, lab.area, lab.topics, lab.seconds)


def test_parameter_errors_say_what_would_do() -> None:
    assert Int(1, 5, default=2).coerce("n", " 3 ") == 3
    with pytest.raises(LabError, match=r"n: 9 is out of range; expected an integer in \[1, 5\]"):
        Int(1, 5, default=2).coerce("n", "9")
    with pytest.raises(LabError, match="expected an integer"):
        Int(1, 5, default=2).coerce("n", "2.5")
    with pytest.raises(LabError, match="expected a number"):
        Float(0, 1, default=0.5).coerce("x", "nan")
    with pytest.raises(LabError, match="expected one of a, b"):
        Choice(("a", "b"), default="a").coerce("c", "z")
    assert Bool(default=False).coerce("b", "on") is True
    with pytest.raises(LabError, match="true or false"):
        Bool(default=False).coerce("b", "maybe")
    with pytest.raises(LabError, match="has no parameter bogus; its parameters: n_keys"):
        coerce(get_lab("attention_scaling"), {"bogus": "1"})
    with pytest.raises(LabError, match="did you mean: attention_cost, attention_scaling"):
        get_lab("attention")


def test_cli_list_and_run(tmp_path: Path) -> None:
    res = runner.invoke(app, ["lab", "list", "--json"], catch_exceptions=False)
    assert res.exit_code == 0
    rows = json.loads(res.output)
    assert {"id", "title", "area", "topics", "seconds"} <= set(rows[0]) and len(rows) == len(lab_ids())
    out = tmp_path / "out"
    args = [
        "lab",
        "attention-scaling",
        "--n-keys",
        "8",
        "--trials=8",
        "--max-log2-dk",
        "6",
        "--out",
        str(out),
        "--json",
    ]
    res = runner.invoke(app, args, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout)  # the progress bar goes to stderr
    assert payload["params"] == {"n_keys": 8, "trials": 8, "max_log2_dk": 6, "seed": 0}
    assert (out / "attention_scaling-1.svg").read_text().startswith("<svg")
    assert (out / "attention_scaling-1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((out / "attention_scaling.json").read_text())["numbers"]["d_k"] == [4, 8, 16, 32, 64]


def test_cli_errors_list_the_choices() -> None:
    res = runner.invoke(app, ["lab", "attention_scaling", "--n-keys", "2"])
    assert res.exit_code == 1 and "expected an integer in [4, 512]" in res.output and "--max-log2-dk" in res.output
    res = runner.invoke(app, ["lab", "no_such_lab"])
    assert res.exit_code == 1 and "the labs are:" in res.output
