"""Classic wrong BPE trainers, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
from collections import Counter

import regex

def merge(ids, pair, new_id):
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out

def train_bpe(text, vocab_size, pattern):
    freq = Counter(regex.findall(pattern, text))
    words = {w: list(w.encode("utf-8")) for w in freq}
    merges = []
    while 256 + len(merges) < vocab_size:
        counts = Counter()
        for w, ids in words.items():
            for a, b in zip(ids, ids[1:]):
                counts[a, b] += freq[w]
        if not counts:
            break
        pair = min(counts, key=lambda p: (-counts[p], p))
        new_id = 256 + len(merges)
        merges.append((pair, new_id))
        words = {w: merge(ids, pair, new_id) for w, ids in words.items()}
    return merges
"""

GENERIC = "matches the reference trainer on random text"
TIE = "ties go to the smallest pair"

MUTANTS = [
    mutant(
        "tie broken by first occurrence",
        "pair = min(counts, key=lambda p: (-counts[p], p))",
        "pair = max(counts, key=counts.get)",
        TIE,
        GENERIC,
        "counts are updated after every merge",
    ),
    mutant(
        "tie broken by the largest pair",
        "pair = min(counts, key=lambda p: (-counts[p], p))",
        "pair = max(counts, key=lambda p: (counts[p], p))",
        TIE,
        GENERIC,
        "counts are updated after every merge",
    ),
    mutant(
        "overlapping occurrences all merged ('aaa' -> [aa, aa])",
        """    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out""",
        """    out = []
    for i in range(len(ids)):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
        elif i == 0 or (ids[i - 1], ids[i]) != pair:
            out.append(ids[i])
    return out""",
        "occurrences merge left to right without overlap",
        GENERIC,
    ),
    Mutant(
        "pairs counted across pre-token boundaries",
        (("freq = Counter(regex.findall(pattern, text))", "freq = Counter([text])"),),
        "merges never cross pre-token boundaries",
        (GENERIC, "counts are updated after every merge", TIE, "the first merge is the most frequent pair"),
    ),
    mutant(
        "pre-tokens counted once, not weighted by frequency",
        "counts[a, b] += freq[w]",
        "counts[a, b] += 1",
        "the first merge is the most frequent pair",
        GENERIC,
        "counts are updated after every merge",
    ),
    Mutant(
        "pairs counted once, never recounted",
        (
            (
                "    while 256 + len(merges) < vocab_size:\n"
                "        counts = Counter()\n"
                "        for w, ids in words.items():\n"
                "            for a, b in zip(ids, ids[1:]):\n"
                "                counts[a, b] += freq[w]\n",
                "    counts = Counter()\n"
                "    for w, ids in words.items():\n"
                "        for a, b in zip(ids, ids[1:]):\n"
                "            counts[a, b] += freq[w]\n"
                "    while 256 + len(merges) < vocab_size:\n",
            ),
            ("merges.append((pair, new_id))", "merges.append((pair, new_id))\n        del counts[pair]"),
        ),
        "counts are updated after every merge",
        # the overlap and stopping checks see a merge's effect on the next one, which needs the recount
        (GENERIC, "occurrences merge left to right without overlap", "stops when no pair is left"),
    ),
    mutant(
        "code points instead of UTF-8 bytes",
        'list(w.encode("utf-8"))',
        "[ord(ch) for ch in w]",
        "works on UTF-8 bytes",
    ),
    mutant(
        "no stop when no pair is left",
        "        if not counts:\n            break\n",
        "",
        "stops when no pair is left",
    ),
]
