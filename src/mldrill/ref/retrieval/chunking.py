"""Chunking for retrieval: fixed size with overlap, recursive by separators, by sentences, by tokens, by headings.

Every chunker returns `Chunk`s that remember where they came from (start/end character offsets into the source, and
a heading path for markdown), so a retrieved chunk can be cited.
- fixed: windows of `size` characters starting every size - overlap characters (the last window ends at the end).
- recursive (like LangChain's RecursiveCharacterTextSplitter): split on the first separator of
  ["\\n\\n", "\\n", " ", ""] that occurs, merge neighbouring pieces while they fit in chunk_size, and split a piece
  that is still too long with the next separator; consecutive chunks share up to chunk_overlap characters.
- sentences: greedy packing of whole sentences up to max_chars.
- tokens: windows of max_tokens token ids with overlap, using any encode/decode pair (count tokens, not characters).
- markdown: one chunk per section under an ATX heading (# ...), '#' lines inside ``` fences are not headings.

Traps: fixed-size cuts break words and sentences; ~10-20% overlap keeps a fact that straddles a boundary
retrievable; size limits are in the model's tokens (256-1024 is typical), not characters.
Tested on coverage, overlap and size properties in tests/ref/retrieval/test_retrieval_chunking.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass
class Chunk:
    text: str
    start: int  # character offset of text in the source
    end: int
    metadata: dict[str, object] = field(default_factory=dict)


def chunk_fixed(text: str, *, size: int, overlap: int = 0) -> list[Chunk]:
    if size <= 0 or not 0 <= overlap < size:
        raise ValueError(f"need size > 0 and 0 <= overlap < size, got size={size}, overlap={overlap}")
    step = size - overlap
    out = []
    for start in range(0, max(len(text), 1), step):
        end = min(start + size, len(text))
        out.append(Chunk(text[start:end], start, end))
        if end == len(text):
            break
    return out


def _split_keep_offsets(text: str, offset: int, sep: str) -> list[tuple[str, int]]:
    if sep == "":
        return [(ch, offset + i) for i, ch in enumerate(text)]
    pieces, pos = [], 0
    for part in text.split(sep):
        if part:
            pieces.append((part, offset + pos))
        pos += len(part) + len(sep)
    return pieces


def chunk_recursive(
    text: str, *, chunk_size: int, chunk_overlap: int = 0, separators: Sequence[str] = ("\n\n", "\n", " ", "")
) -> list[Chunk]:
    if chunk_size <= 0 or not 0 <= chunk_overlap < chunk_size:
        raise ValueError("need chunk_size > 0 and 0 <= chunk_overlap < chunk_size")

    def pieces(segment: str, offset: int, seps: Sequence[str]) -> list[tuple[str, int]]:
        """Atomic pieces (each <= chunk_size) with their offsets, splitting on the coarsest separator present."""
        if len(segment) <= chunk_size:
            return [(segment, offset)]
        for i, sep in enumerate(seps):
            if sep == "" or sep in segment:
                out: list[tuple[str, int]] = []
                for part, off in _split_keep_offsets(segment, offset, sep):
                    out.extend(pieces(part, off, seps[i + 1 :]) if len(part) > chunk_size else [(part, off)])
                return out
        return [(segment[j : j + chunk_size], offset + j) for j in range(0, len(segment), chunk_size)]

    atoms = pieces(text, 0, list(separators))
    chunks: list[Chunk] = []
    cur: list[tuple[str, int]] = []

    def span(group: list[tuple[str, int]]) -> tuple[int, int]:
        return group[0][1], group[-1][1] + len(group[-1][0])

    for atom in atoms:
        if cur and span([*cur, atom])[1] - span(cur)[0] > chunk_size:
            s, e = span(cur)
            chunks.append(Chunk(text[s:e], s, e))
            # Keep trailing atoms as overlap while they fit in chunk_overlap and leave room for the new atom.
            keep: list[tuple[str, int]] = []
            for a in reversed(cur):
                cand = [a, *keep]
                if span(cand)[1] - span(cand)[0] > chunk_overlap or span([*cand, atom])[1] - span(cand)[0] > chunk_size:
                    break
                keep = cand
            cur = keep
        cur.append(atom)
    if cur:
        s, e = span(cur)
        chunks.append(Chunk(text[s:e], s, e))
    return chunks


_SENT_END = re.compile(r"(?<=[.!?])\s+")


def split_sentences(text: str) -> list[tuple[str, int]]:
    out, pos = [], 0
    for m in _SENT_END.finditer(text):
        out.append((text[pos : m.start()], pos))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], pos))
    return [(s, o) for s, o in out if s.strip()]


def chunk_sentences(text: str, *, max_chars: int) -> list[Chunk]:
    """Pack whole sentences greedily; a single sentence longer than max_chars becomes its own chunk."""
    chunks: list[Chunk] = []
    start = end = -1
    for sent, off in split_sentences(text):
        if start >= 0 and off + len(sent) - start > max_chars:
            chunks.append(Chunk(text[start:end], start, end))
            start = -1
        if start < 0:
            start = off
        end = off + len(sent)
    if start >= 0:
        chunks.append(Chunk(text[start:end], start, end))
    return chunks


def chunk_tokens(
    text: str,
    *,
    max_tokens: int,
    overlap: int = 0,
    encode: Callable[[str], list[int]],
    decode: Callable[[list[int]], str],
) -> list[Chunk]:
    """Token windows; start/end are token offsets here (metadata['unit'] = 'token')."""
    if max_tokens <= 0 or not 0 <= overlap < max_tokens:
        raise ValueError("need max_tokens > 0 and 0 <= overlap < max_tokens")
    ids = encode(text)
    out = []
    for s in range(0, max(len(ids), 1), max_tokens - overlap):
        window = ids[s : s + max_tokens]
        out.append(Chunk(decode(window), s, s + len(window), {"unit": "token", "n_tokens": len(window)}))
        if s + max_tokens >= len(ids):
            break
    return out


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def chunk_markdown(text: str) -> list[Chunk]:
    """One chunk per heading section; metadata['headings'] is the path of enclosing headings, outermost first."""
    chunks: list[Chunk] = []
    path: list[tuple[int, str]] = []
    sec_start, in_fence, pos = 0, False, 0
    sec_path: list[str] = []

    def close(end: int) -> None:
        body = text[sec_start:end]
        if body.strip():
            chunks.append(Chunk(body, sec_start, end, {"headings": list(sec_path)}))

    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        m = None if in_fence else _HEADING.match(line.rstrip("\n"))
        if m:
            close(pos)
            level = len(m.group(1))
            path = [(lv, t) for lv, t in path if lv < level] + [(level, m.group(2))]
            sec_path = [t for _, t in path]
            sec_start = pos
        pos += len(line)
    close(len(text))
    return chunks
