"""The labs' disk cache stays bounded: stale entries (changed code, labs that are gone, old names) go on every write,
then the least recently used beyond the cap; a hit counts as a use. And `mldrill lab cache [--clear|--prune]`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mldrill.cli import app
from mldrill.labs import get_lab, run_lab
from mldrill.labs._core import cache_dir, cache_info, cache_path, cached, clear_cache, code_version, prune_cache

LAB = "kv_cache_memory"  # 1 s at defaults, 10 ms at small sizes
runner = CliRunner()


def small(i: int) -> dict[str, object]:
    return {"n_layer": 1 + i, "head_dim": 32, "budget_gib": 1.0, "seq_len": 128}


def fake_entry(name: str, size: int, mtime: float) -> Path:
    path = cache_dir() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x" * size)
    os.utime(path, (mtime, mtime))
    return path


def test_stale_entries_go_on_the_next_write() -> None:
    lab = get_lab(LAB)
    code = code_version(LAB)
    gone = fake_entry(f"no_such_lab-{code}-{'a' * 20}.json", 10, 1e9)
    old_name = fake_entry(f"{LAB}-{'b' * 20}.json", 10, 1e9)  # the name format before code versions were in it
    old_code = fake_entry(f"{LAB}-defaults-{'0' * 16}.json", 10, 1e9)
    junk = fake_entry("notes.json", 10, 1e9)
    in_flight = fake_entry(f".{LAB}-defaults-{code}.json.tmp123", 10, 1e9)  # write_atomic's temporary file
    assert cache_info().stale == 4
    run_lab(lab, small(0))
    fresh = cache_path(lab, small(0))
    assert fresh.exists() and code in fresh.name
    assert not any(p.exists() for p in (gone, old_name, old_code, junk))
    assert in_flight.exists()
    info = cache_info()
    assert (info.files, info.stale) == (1, 0) and info.bytes == fresh.stat().st_size


def test_least_recently_used_go_first_and_a_hit_counts_as_use() -> None:
    lab = get_lab(LAB)
    paths = []
    for i in range(4):
        run_lab(lab, small(i))
        p = cache_path(lab, small(i))
        os.utime(p, (1e9 + i, 1e9 + i))  # entry 0 is the oldest
        paths.append(p)
    assert cached(lab, small(0)) is not None  # a hit: entry 0 becomes the newest
    sizes = [p.stat().st_size for p in paths]
    assert prune_cache(max_bytes=sizes[0] + sizes[3] + sizes[2]) == 1
    assert [p.exists() for p in paths] == [True, False, True, True]  # entry 1 was least recently used
    assert prune_cache(max_bytes=0) == 3 and cache_info().files == 0


def test_cli_shows_prunes_and_clears_the_cache() -> None:
    lab = get_lab(LAB)
    run_lab(lab, small(0))
    fake_entry(f"{LAB}-defaults-{'0' * 16}.json", 10, 1e9)
    res = runner.invoke(app, ["lab", "cache", "--json"], catch_exceptions=False)
    info = json.loads(res.stdout)
    assert res.exit_code == 0 and info["files"] == 2 and info["stale"] == 1 and info["bytes"] > 0
    res = runner.invoke(app, ["lab", "cache", "--prune", "--json"], catch_exceptions=False)
    assert json.loads(res.stdout)["removed"] == 1
    res = runner.invoke(app, ["lab", "cache"], catch_exceptions=False)
    assert res.exit_code == 0 and "1 cached lab result," in res.output and "MiB" in res.output
    res = runner.invoke(app, ["lab", "cache", "--clear"], catch_exceptions=False)
    assert res.exit_code == 0 and "removed 1 cached result" in res.output and cache_info().files == 0
    res = runner.invoke(app, ["lab", "cache", "--bogus"])
    assert res.exit_code == 1 and "--clear" in res.output
    assert clear_cache() == 0


@pytest.mark.parametrize("n", [0])
def test_pruning_an_empty_or_missing_dir_is_a_no_op(n: int) -> None:
    assert not cache_dir().exists() and prune_cache() == n and cache_info().files == 0
