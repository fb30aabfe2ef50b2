"""Hidden checks for the wordpiece-encode kata. Expected values: mldrill.ref.wordpiece.wordpiece_encode, which
tests/ref/test_wordpiece.py checks against HF `tokenizers`' WordPiece model with the Whitespace pre-tokenizer (texts
are lowercase letters and spaces, where that equals a whitespace split; `tokenizers` is a test dependency, the checks
import only what the app installs)."""

from __future__ import annotations

from mldrill.grader.checks import Call, Check, Failure, Outcome


def _hf(encode, text: str, vocab: dict[str, int], max_chars: int) -> list[str]:
    return list(encode(text, vocab, max_chars_per_word=max_chars))


def _strip(tokens: list[str]) -> list[str]:
    return [t[2:] if isinstance(t, str) and t.startswith("##") else t for t in tokens]


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    letters = list("abcdefghijklmnopqrstuvwxyz")

    def word(lo: int, hi: int, alphabet: list[str]) -> str:
        return "".join(rng.choice(alphabet, size=int(rng.integers(lo, hi + 1))))

    def vocab_of(pieces: set[str]) -> dict[str, int]:
        return {t: i for i, t in enumerate(["[UNK]", *sorted(pieces)])}

    def check(name: str, why: str, cases: list[tuple[str, dict[str, int], int]], strip: bool = False) -> Check:
        """strip: compare the segmentation only, ignoring '##' (for checks about something else than the prefix)."""
        calls = [Call((text, vocab), {"max_chars_per_word": m}) for text, vocab, m in cases]
        want = [_hf(solution, text, vocab, m) for text, vocab, m in cases]

        def judge(outcomes: list[Outcome]) -> str | Failure | None:
            for i, (o, w) in enumerate(zip(outcomes, want, strict=True)):
                if o.error is not None:
                    return Failure(f"call {i + 1}: raised {o.error}", i, w)
                got = o.value
                if not isinstance(got, list):
                    return Failure(f"call {i + 1}: expected a list of token strings", i, w, got)
                if (_strip(got) if strip else got) != (_strip(w) if strip else w):
                    return Failure(f"call {i + 1}: got {got}, expected {w}", i, w, got)
            return None

        return Check(name, why, calls, judge)

    # random: a six-letter alphabet, every letter in both forms, random longer pieces in either form
    alpha = [str(x) for x in rng.choice(letters, size=7, replace=False)]
    abc, missing = alpha[:6], alpha[6]
    pieces = set(abc) | {"##" + c for c in abc}
    for _ in range(25):
        p = word(2, 4, abc)
        pieces.add(p if rng.random() < 0.5 else "##" + p)
    random_text = " ".join(word(1, 9, abc + ([missing] if rng.random() < 0.3 else [])) for _ in range(12))

    # longest match: every piece in both forms, so only the segmentation is at stake
    a, b = abc[0], abc[1]
    both = vocab_of({a, b, "##" + a, "##" + b, a + b, "##" + a + b, a + b + a, "##" + b + a})
    longest_text = " ".join([a + b + a + b, a + b + a, b + a + b, a + b])

    # ## prefix: d exists bare and as ##d; a bare lookup mid-word finds the wrong (word-start) entry
    c, d = abc[2], abc[3]
    prefix_vocab = vocab_of({c, d, "##" + d})
    prefix_text = " ".join([c + d, c + d + d, d, c])

    # a gap: the word's prefix matches, then a letter nowhere in the vocabulary
    gap_text = " ".join([a + b + missing, a + b, b + missing + a, a])
    letters_only = vocab_of({a, b, "##" + a, "##" + b})  # one way to segment each word: only the gap matters

    # length limit: a vocabulary word of exactly max chars, and one of max + 1 (also in the vocabulary)
    m = int(rng.integers(4, 8))
    exact, longer = word(m, m, letters), word(m + 1, m + 1, letters)
    other = word(2, 3, letters)
    limit_vocab = vocab_of({exact, longer, other})
    limit_text = f"{exact} {longer} {other}"

    return [
        check(
            "matches BERT's WordPiece",
            "Per whitespace-separated word: longest vocabulary match first, '##' on continuation pieces, the whole "
            "word [UNK] when some position cannot be matched (HF tokenizers' WordPiece).",
            [(random_text, vocab_of(pieces), 100)],
        ),
        check(
            "the longest match comes first",
            "WordPiece is greedy longest-match-first: from each position take the LONGEST piece in the vocabulary "
            "(growing from one character finds the shortest and splits words into too many pieces).",
            [(longest_text, both, 100)],
            strip=True,
        ),
        check(
            "continuation pieces are looked up with ##",
            "After the first piece, look up '##' + rest: a bare piece in the vocabulary marks a word start and must "
            "not be used mid-word.",
            [(prefix_text, prefix_vocab, 100)],
        ),
        check(
            "a gap makes the whole word [UNK]",
            "If some position of a word cannot be matched, the WHOLE word becomes one [UNK]: the pieces matched "
            "before the gap are dropped, and the next word is encoded normally.",
            [(gap_text, letters_only, 100)],
            strip=True,
        ),
        check(
            "words longer than max_chars_per_word are [UNK]",
            "A word with more than max_chars_per_word characters is [UNK] without trying to match it; a word of "
            "exactly that length is encoded.",
            [(limit_text, limit_vocab, m)],
        ),
    ]
