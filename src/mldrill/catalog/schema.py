"""Pydantic models of a content topic file (DESIGN.md, "Content schema").

Strict on purpose: an unknown key is an error (a typo such as `folowups` must not silently drop links).
Cross-file rules (unique ids, links that resolve, known areas, importable refs) live in validate.py.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Level = Literal["L1", "L2", "L3"]
Kind = Literal["concept", "derivation", "compare", "debug", "design", "code", "number"]
LEVELS: tuple[str, ...] = ("L1", "L2", "L3")
KINDS: tuple[str, ...] = ("concept", "derivation", "compare", "debug", "design", "code", "number")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
CardId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$")]
RefPath = Annotated[str, StringConstraints(pattern=r"^mldrill\.ref(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")]
LinkId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Formula(_Strict):
    name: Text
    tex: Text
    note: str = ""


class Card(_Strict):
    id: CardId
    level: Level
    kind: Kind
    question: Text
    answer: Text
    trap: Text
    followups: list[CardId] = Field(default_factory=list)
    refs: list[RefPath] = Field(default_factory=list)
    katas: list[LinkId] = Field(default_factory=list)
    labs: list[LinkId] = Field(default_factory=list)
    tags: list[Text] = Field(default_factory=list)
    # Where a claim can be checked: a paper with its section/table/figure, or a library's documentation page or
    # source file. Required (validate.py) on a card that states a paper's number, a library default or an attribution.
    sources: list[Text] = Field(default_factory=list)
    # What an interviewer listens for (2-5 short phrases, each stated in the answer): a mock interview shows them
    # after the candidate answers and the candidate ticks the ones they hit. Required on L2/L3 cards (validate.py).
    key_points: list[Text] = Field(default_factory=list)

    @property
    def topic_id(self) -> str:
        return self.id.split("/", 1)[0]


class Topic(_Strict):
    id: Slug
    title: Text
    area: Text
    remember: Text
    summary: Text
    formulas: list[Formula] = Field(default_factory=list)
    cards: list[Card] = Field(default_factory=list)
