"""Study tracks (study/tracks.yaml): named lists of areas and topics a learner can choose to study.

A track decides which new cards a plain drill introduces (due reviews always come from everything) and what an
interview plan (study/plan.py) must cover. The file is checked when loaded: every area must be an id of
catalog/areas.py and every topic an id of the catalog; an unknown id, a duplicate or a missing field is a
TrackError naming the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mldrill.catalog import Catalog
from mldrill.catalog.areas import AREA_BY_ID
from mldrill.catalog.yamlfile import YamlError, read_yaml
from mldrill.study.items import Item

TRACKS_FILE = Path(__file__).with_name("tracks.yaml")


class TrackError(ValueError):
    pass


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    about: str
    areas: tuple[str, ...]
    topics: tuple[str, ...] = ()

    def covers(self, item: Item) -> bool:
        return item.area in self.areas or item.topic in self.topics


def load_tracks(cat: Catalog, path: Path = TRACKS_FILE) -> dict[str, Track]:
    """The tracks of `path`, in file order; TrackError ("file:line: problem") on anything unknown or missing."""
    try:
        doc = read_yaml(path)
    except YamlError as e:
        raise TrackError(str(e)) from None
    except OSError as e:
        raise TrackError(f"{path}: cannot read: {e.strerror}") from None

    def problem(loc: tuple[str | int, ...], message: str) -> TrackError:
        return TrackError(f"{path}:{doc.line_of(loc)}: {message}")

    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("tracks"), list):
        raise problem((), "expected a mapping with a list under 'tracks'")
    out: dict[str, Track] = {}
    for i, raw in enumerate(doc.data["tracks"]):
        loc: tuple[str | int, ...] = ("tracks", i)
        if not isinstance(raw, dict):
            raise problem(loc, "each track must be a mapping with id, title, about, areas")
        unknown_keys = set(raw) - {"id", "title", "about", "areas", "topics"}
        if unknown_keys:
            raise problem(loc, f"unknown field(s) {sorted(unknown_keys)}")
        for key in ("id", "title", "about"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise problem((*loc, key), f"'{key}' must be a non-empty text")
        if raw["id"] in out:
            raise problem((*loc, "id"), f"track '{raw['id']}' is defined twice")
        lists: dict[str, list[str]] = {}
        for key, known, what in (("areas", AREA_BY_ID, "area"), ("topics", cat.topics, "topic")):
            values = raw.get(key, [])
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise problem((*loc, key), f"'{key}' must be a list of {what} ids")
            for j, v in enumerate(values):
                if v not in known:
                    raise problem((*loc, key, j), f"unknown {what} '{v}' in track '{raw['id']}'")
                if v in values[:j]:
                    raise problem((*loc, key, j), f"{what} '{v}' is listed twice in track '{raw['id']}'")
            lists[key] = values
        if not lists["areas"] and not lists["topics"]:
            raise problem(loc, f"track '{raw['id']}' lists no area and no topic")
        out[raw["id"]] = Track(
            raw["id"], raw["title"].strip(), raw["about"].strip(), tuple(lists["areas"]), tuple(lists["topics"])
        )
    return out


_LOADED: dict[int, tuple[Catalog, dict[str, Track]]] = {}


def get_tracks(cat: Catalog) -> dict[str, Track]:
    """The packaged tracks, checked against `cat` once per catalog object."""
    hit = _LOADED.get(id(cat))
    if hit is None or hit[0] is not cat:
        if len(_LOADED) >= 8:
            _LOADED.clear()
        hit = _LOADED[id(cat)] = (cat, load_tracks(cat))
    return hit[1]
