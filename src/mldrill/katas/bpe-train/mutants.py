"""Classic wrong BPE trainers, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
from collections import Counter

def _merge(ids, pair, new_id):
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out

def train_bpe_basic(text, num_merges):
    ids = list(text.encode("utf-8"))
    merges = []
    for i in range(num_merges):
        counts = Counter(zip(ids, ids[1:]))
        if not counts:
            break
        pair = max(counts, key=counts.get)
        ids = _merge(ids, pair, 256 + i)
        merges.append((pair, 256 + i))
    return merges, ids
"""

GENERIC = "matches the reference merges and ids on random text"

MUTANTS = [
    mutant(
        "replaced right to left",
        "    out, i = [], 0\n    while i < len(ids):\n        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:\n"
        "            out.append(new_id)\n            i += 2\n        else:\n            out.append(ids[i])\n"
        "            i += 1\n    return out",
        "    out, i = [], len(ids) - 1\n    while i >= 0:\n        if i >= 1 and (ids[i - 1], ids[i]) == pair:\n"
        "            out.append(new_id)\n            i -= 2\n        else:\n            out.append(ids[i])\n"
        "            i -= 1\n    return out[::-1]",
        "pairs are replaced left to right, without overlap",
        GENERIC,
        "count again after every merge",  # its third merge, (Y, Y), meets a run of three Y
    ),
    mutant(
        "ties to the smallest pair",
        "pair = max(counts, key=counts.get)",
        "pair = min(counts, key=lambda p: (-counts[p], p))",
        "ties go to the pair seen first",
        GENERIC,
        "pairs are replaced left to right, without overlap",
        "the text is UTF-8 bytes, not characters",
    ),
    mutant(
        "ties to the last pair seen",
        "pair = max(counts, key=counts.get)",
        "pair = sorted(counts, key=counts.get)[-1]",
        "ties go to the pair seen first",
        GENERIC,
        "pairs are replaced left to right, without overlap",
        "the text is UTF-8 bytes, not characters",
    ),
    mutant(
        "pairs ranked once, never recounted",
        "    for i in range(num_merges):\n        counts = Counter(zip(ids, ids[1:]))\n        if not counts:\n"
        "            break\n        pair = max(counts, key=counts.get)",
        "    counts = Counter(zip(ids, ids[1:]))\n    ranked = sorted(counts, key=counts.get, reverse=True)\n"
        "    for i in range(min(num_merges, len(ranked))):\n        pair = ranked[i]",
        "count again after every merge",
        GENERIC,
        "pairs are replaced left to right, without overlap",
        "the text is UTF-8 bytes, not characters",
        "stops when no pair is left",  # "aaaa" needs a second merge, (aa, aa), that did not exist at the start
    ),
    mutant(
        "pairs counted without overlap (what the merge would replace)",
        "counts = Counter(zip(ids, ids[1:]))",
        "counts = Counter({p: len(ids) - len(_merge(ids, p, -1)) for p in dict.fromkeys(zip(ids, ids[1:]))})",
        "pairs are counted at every position, overlaps included",
        GENERIC,
    ),
    mutant(
        "no stop when one token is left",
        "        if not counts:\n            break\n",
        "",
        "stops when no pair is left",
    ),
    mutant(
        "characters instead of bytes",
        'ids = list(text.encode("utf-8"))',
        "ids = [ord(ch) for ch in text]",
        "the text is UTF-8 bytes, not characters",
    ),
]
