"""Quick structural gates for the three exemplar topic files (numerics, attention, lora).

These are a content author's own checks, stricter than the schema in places (word counts, shares of L3 cards and
follow-ups). The real validator lives in mldrill.catalog; this file only guards the exemplars.
"""

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

CONTENT = Path(__file__).resolve().parents[2] / "src" / "mldrill" / "content"
FILES = {
    "numerics": CONTENT / "numerics-losses" / "numerics.yaml",
    "attention": CONTENT / "attention-transformers" / "attention.yaml",
    "lora": CONTENT / "fine-tuning-peft" / "lora.yaml",
}
TOPIC_KEYS = {"id", "title", "area", "remember", "summary", "formulas", "cards"}
REQUIRED_TOPIC_KEYS = TOPIC_KEYS - {"formulas"}
CARD_KEYS = {
    "id",
    "level",
    "kind",
    "question",
    "answer",
    "trap",
    "followups",
    "refs",
    "katas",
    "labs",
    "tags",
    "sources",
    "key_points",
}
REQUIRED_CARD_KEYS = {"id", "level", "kind", "question", "answer", "trap"}
LEVELS = {"L1", "L2", "L3"}
KINDS = {"concept", "derivation", "compare", "debug", "design", "code", "number"}
# The agreed names in the reference library (being written in parallel); cards may use no other.
ALLOWED_REFS = (
    {"mldrill.ref.numerics:" + n for n in ("softmax", "log_softmax", "logsumexp", "softmax_jacobian", "ce_grad")}
    | {"mldrill.ref.losses:" + n for n in ("cross_entropy", "smooth_targets", "bce_with_logits", "kd_loss", "kl")}
    | {
        "mldrill.ref.attention:" + n
        for n in (
            "sdpa",
            "causal_mask",
            "padding_mask",
            "MultiHeadAttention",
            "gqa_attention",
            "cross_attention",
            "attention_cost",
            "gqa_params",
        )
    }
    | {
        "mldrill.ref.flash:flash_attention",
        "mldrill.ref.kv_cache:kv_cache_bytes",
        "mldrill.ref.quantization:quantize_nf4",
    }
    | {"mldrill.ref.lora:" + n for n in ("LoRALinear", "inject_lora", "merge_lora", "lora_params")}
)
# Misconceptions these exemplars own (SYLLABUS.md "Misconceptions to get right"). M25 (SwiGLU width) belongs to
# the FFN/block topic, not to attention.
OWNED_MISCONCEPTIONS = {1, 2, 3, 4, 5, 6, 20, 21, 22, 23, 24, 26, 27, 28, 30, 34, 35, 36, 47}
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SNAKE_OR_KEBAB = re.compile(r"^[a-z0-9]+([_-][a-z0-9]+)*$")


def load(topic: str) -> dict:
    with FILES[topic].open(encoding="utf-8") as f:
        return yaml.safe_load(f)


TOPICS = {t: load(t) for t in FILES}
CARDS = [(t, c) for t, doc in TOPICS.items() for c in doc["cards"]]
BY_ID = {c["id"]: c for _, c in CARDS}


def words(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize("topic", list(FILES))
def test_topic_header(topic):
    doc = TOPICS[topic]
    assert set(doc) <= TOPIC_KEYS, f"{topic}: unknown keys {set(doc) - TOPIC_KEYS}"
    assert set(doc) >= REQUIRED_TOPIC_KEYS, f"{topic}: missing keys {REQUIRED_TOPIC_KEYS - set(doc)}"
    assert doc["id"] == topic and KEBAB.match(topic)
    assert doc["area"] == FILES[topic].parent.name, "the folder is the area id"
    assert doc["remember"].strip() and "\n" not in doc["remember"].strip()
    assert 150 <= words(doc["summary"]) <= 300, f"{topic}: summary has {words(doc['summary'])} words"
    for f in doc.get("formulas", []):
        assert set(f) == {"name", "tex", "note"}, f
        assert "$" not in f["tex"], f"tex must not carry $ delimiters: {f['name']}"


@pytest.mark.parametrize(("topic", "card"), CARDS, ids=[c["id"] for _, c in CARDS])
def test_card_fields(topic, card):
    assert set(card) <= CARD_KEYS, f"unknown keys {set(card) - CARD_KEYS}"
    assert set(card) >= REQUIRED_CARD_KEYS
    prefix, _, slug = card["id"].partition("/")
    assert prefix == topic and KEBAB.match(slug), card["id"]
    assert card["level"] in LEVELS and card["kind"] in KINDS
    for field in ("question", "answer", "trap"):
        assert isinstance(card[field], str) and card[field].strip(), f"{card['id']}: empty {field}"
    n = words(card["answer"])
    if card["level"] == "L1":
        assert n >= 25, f"{card['id']}: L1 answer has {n} words"
    else:
        assert 80 <= n <= 250, f"{card['id']}: {card['level']} answer has {n} words (80-250)"
    assert words(card["trap"]) >= 15, f"{card['id']}: the trap must name the wrong answer and say why"
    for ref in card.get("refs", []):
        assert ref in ALLOWED_REFS, f"{card['id']}: ref {ref} is not an agreed name"
    for item in card.get("katas", []) + card.get("labs", []):
        assert SNAKE_OR_KEBAB.match(item), item
    for lab in card.get("labs", []):
        assert re.match(r"^[a-z0-9_]+$", lab), f"lab ids are snake_case: {lab}"
    tags = card.get("tags", [])
    if card["kind"] == "compare":
        assert "compare" in tags, f"{card['id']}: compare cards carry the compare tag"
    m_tags = [t for t in tags if re.fullmatch(r"M\d+", t)]
    assert bool(m_tags) == ("misconception" in tags), f"{card['id']}: misconception and M<n> go together"


def test_ids_unique():
    dupes = [i for i, n in Counter(c["id"] for _, c in CARDS).items() if n > 1]
    assert not dupes


# Follow-ups (resolution, no cycles) are checked over the whole catalog by tests/content/test_catalog_valid.py.


def test_totals_levels_and_followup_share():
    n = len(CARDS)
    assert n >= 47
    levels = Counter(c["level"] for _, c in CARDS)
    assert levels["L3"] / n >= 0.30, levels
    assert all(levels[lv] for lv in LEVELS)
    with_followups = sum(bool(c.get("followups")) for _, c in CARDS)
    assert with_followups / n >= 0.45, f"{with_followups}/{n}"
    assert {c["kind"] for _, c in CARDS} == KINDS, "every kind is used"


def test_owned_misconceptions_covered_once():
    seen = Counter(int(t[1:]) for _, c in CARDS for t in c.get("tags", []) if re.fullmatch(r"M\d+", t))
    assert set(seen) == OWNED_MISCONCEPTIONS, set(seen) ^ OWNED_MISCONCEPTIONS
    assert all(v == 1 for v in seen.values()), seen


def test_latex_is_katex_friendly():
    # Environments KaTeX lacks, or that need a wrapper it has, and macros that render wrongly.
    banned = [r"\begin{align}", r"\begin{equation}", r"\mathbb{1}", r"\bm{", r"\boldsymbol{1}", r"\newcommand"]
    for topic, doc in TOPICS.items():
        texts = [doc["summary"]] + [f["tex"] for f in doc.get("formulas", [])]
        texts += [c[k] for c in doc["cards"] for k in ("question", "answer", "trap")]
        for text in texts:
            for b in banned:
                assert b not in text, f"{topic}: {b}"
            # Balanced inline math: an even number of single $ once $$ blocks and escaped \$ are removed.
            stripped = text.replace(r"\$", "").replace("$$", "")
            in_code = re.sub(r"```.*?```|`[^`]*`", "", stripped, flags=re.S)
            assert in_code.count("$") % 2 == 0, f"{topic}: unbalanced $ in: {text[:80]!r}"
            assert in_code.count("{") == in_code.count("}"), f"{topic}: unbalanced braces in: {text[:80]!r}"
