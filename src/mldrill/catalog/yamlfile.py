"""Read a YAML file and remember the line of every key and list item, so errors can say "file:line".

PyYAML's composed node tree carries source marks; we walk it once to build a map from a path such as
("cards", 3, "level") to a 1-based line number, then construct plain Python data from the same tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~10x faster

PathKey = tuple[str | int, ...]


@dataclass
class YamlDoc:
    path: Path
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    duplicate_keys: list[tuple[str, int]] = field(default_factory=list)  # (key, line): YAML silently keeps the last
    # (key path, line) of unquoted values cut short by " #", which YAML reads as the start of a comment:
    # `question: greedy longest match with ## continuations` is read as "greedy longest match with".
    cut_by_comment: list[tuple[str, int]] = field(default_factory=list)

    def line_of(self, loc: Sequence[str | int]) -> int:
        """Line of the deepest known prefix of `loc` (1 when nothing matches: the document itself)."""
        for n in range(len(loc), 0, -1):
            line = self.lines.get(tuple(loc[:n]))
            if line is not None:
                return line
        return 1


class YamlError(Exception):
    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


def read_yaml(path: Path, text: str | None = None) -> YamlDoc:
    """Parse one YAML document; raise YamlError with the file and line on a syntax error."""
    if text is None:
        text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlError(path, line, f"YAML syntax error: {e.problem or e}") from None
    except yaml.YAMLError as e:
        raise YamlError(path, 1, f"YAML error: {e}") from None
    doc = YamlDoc(path=path, data=None)
    if node is None:
        return doc
    _walk(node, (), doc, text.splitlines())
    doc.data = yaml.SafeLoader("").construct_document(node)
    return doc


def _walk(node: yaml.Node, here: PathKey, doc: YamlDoc, lines: list[str]) -> None:
    if isinstance(node, yaml.ScalarNode) and not node.style and here:  # plain (unquoted) style
        end = node.end_mark
        if end.line < len(lines) and lines[end.line][end.column :].lstrip().startswith("#"):
            doc.cut_by_comment.append((".".join(map(str, here)), end.line + 1))
    elif isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                doc.duplicate_keys.append((".".join(map(str, (*here, key))), line))
            seen.add(key)
            doc.lines[(*here, key)] = line
            _walk(value_node, (*here, key), doc, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            doc.lines[(*here, i)] = item.start_mark.line + 1
            _walk(item, (*here, i), doc, lines)
