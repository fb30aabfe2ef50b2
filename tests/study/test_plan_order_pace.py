"""What to study (study/plan.py, study/tracks.py): the interleaved new-card order, follow-ups off the cap, custom
study, the interview pace and "on schedule", tracks checked by file and line. Expected values are worked by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Rating, Scheduler

from clockutil import FakeClock
from minicontent import mini_catalog
from mldrill.catalog import get_catalog
from mldrill.store import Database, Review
from mldrill.study.items import Item, catalog_items
from mldrill.study.plan import DrillChoice, introduced_today, new_card_order, plan_status, start_drill
from mldrill.study.scheduler import Settings, load_settings, make_scheduler, preview_intervals, save_settings
from mldrill.study.session import DrillSession
from mldrill.study.tracks import TrackError, load_tracks

S = Settings(fuzz=False, timezone="UTC")


def it(i: str, area: str, topic: str, level: str, followups: tuple[str, ...] = ()) -> Item:
    return Item(i, "card", topic, area, level, "q", "a", "t", followups)


def test_order_interleaves_areas_levels_first_and_topics_take_turns() -> None:
    # area A: topic t1 (L2 x, L1 y, L2 z), topic t2 (L1 u, L3 v); area B: topic t3 (L3 p, L2 q, L1 r) in catalog
    # order. By hand: A -> L1: y (t1), u (t2); L2: x (t1 #1), z (t1 #2); L3: v  => y u x z v
    #                 B -> r (L1), q (L2), p (L3)
    # areas take turns: y r u q x p z v
    cards = [
        it("x", "A", "t1", "L2"),
        it("y", "A", "t1", "L1"),
        it("z", "A", "t1", "L2"),
        it("u", "A", "t2", "L1"),
        it("v", "A", "t2", "L3"),
        it("p", "B", "t3", "L3"),
        it("q", "B", "t3", "L2"),
        it("r", "B", "t3", "L1"),
    ]
    assert [c.id for c in new_card_order(cards, {c.id: c for c in cards})] == list("yruqxpzv")


def test_followups_wait_for_their_unseen_parent_and_stand_alone_otherwise() -> None:
    parent, child, other = it("p", "A", "t", "L1", ("c",)), it("c", "A", "t", "L1"), it("o", "B", "s", "L1")
    items = {c.id: c for c in (parent, child, other)}
    assert [c.id for c in new_card_order([parent, child, other], items)] == ["p", "o"]
    assert [c.id for c in new_card_order([child, other], items)] == ["c", "o"]  # parent already seen


def test_followups_do_not_count_against_the_cap_and_the_cap_is_reported(db: Database, tmp_path: Path) -> None:
    items = catalog_items(mini_catalog(tmp_path / "content"))
    clock = FakeClock()
    one = Settings(fuzz=False, timezone="UTC", new_per_day=1)
    s = DrillSession(db, items, list(items.values()), settings=one, clock=clock)
    assert s.queue == ["alpha/a1"] and s.cap_reached and s.more_new == 3  # b2, a4, b1 wait
    assert s.counts() == {"new": 1, "learning": 0, "review": 0, "followups": 0}
    s.rate(4)  # Easy: a1 graduates; its follow-ups a2, a3 come next
    assert s.queue == ["alpha/a2", "alpha/a3"]
    assert s.counts() == {"new": 0, "learning": 0, "review": 0, "followups": 2}  # apart: they are not new cards
    s.rate(4)
    s.rate(4)
    start = datetime(2026, 11, 2, tzinfo=UTC)
    assert introduced_today(db, items, start).main == 1 and introduced_today(db, items, start).followups == 2
    again = DrillSession(db, items, list(items.values()), settings=one, clock=clock)
    assert again.queue == [] and again.cap_reached and again.more_new == 3
    more = DrillSession(db, items, list(items.values()), settings=one, clock=clock, extra_new=2)  # custom study
    # the areas still take turns in catalog order: numerics-losses (a4), then attention-transformers (b2)
    assert more.queue == ["alpha/a4", "beta/b2"]


def test_counts_go_down_as_you_rate(db: Database, tmp_path: Path) -> None:
    items = catalog_items(mini_catalog(tmp_path / "content"))
    s = DrillSession(db, items, [items["beta/b1"], items["beta/b2"]], settings=S, clock=FakeClock())
    assert s.counts()["new"] == 2
    s.rate(1)  # b2 Again: back in a minute, now learning
    assert s.counts() == {"new": 1, "learning": 1, "review": 0, "followups": 0}
    s.rate(4)  # b1 Easy: graduates to review, leaves the session
    assert s.counts() == {"new": 0, "learning": 1, "review": 0, "followups": 0}


def test_review_ahead_takes_cards_due_within_n_days_and_no_new(db: Database, tmp_path: Path) -> None:
    items = catalog_items(mini_catalog(tmp_path / "content"))
    clock = FakeClock()
    s = DrillSession(db, items, [items["beta/b2"]], settings=S, clock=clock)
    rated = s.rate(4)  # Easy: due in some days (py-fsrs decides how many)
    days = rated.interval.days + 1
    assert DrillSession(db, items, list(items.values()), settings=S, clock=clock, ahead_days=days).queue == ["beta/b2"]
    assert DrillSession(db, items, list(items.values()), settings=S, clock=clock, ahead_days=days - 2).queue == []


def test_answer_time_is_recorded_from_question_to_rating(db: Database, tmp_path: Path) -> None:
    items = catalog_items(mini_catalog(tmp_path / "content"))
    clock = FakeClock()
    s = DrillSession(db, items, [items["beta/b2"]], settings=S, clock=clock)
    s.mark_shown("beta/b2")
    clock.advance(seconds=7.25)
    s.mark_shown("beta/b2")  # shown again (the answer revealed): the time still runs from the first showing
    s.rate(3)
    with db.session() as ses:
        assert ses.query(Review.duration_ms).scalar() == 7250


def test_learning_steps_and_fitted_weights_reach_py_fsrs() -> None:
    from datetime import timedelta as td

    from fsrs import Card
    from fsrs.scheduler import DEFAULT_PARAMETERS

    weights = list(DEFAULT_PARAMETERS)
    weights[2] = 5.0  # a different initial stability for Good
    ours = make_scheduler(Settings(fuzz=False, learning_steps=(2, 30), fsrs_weights=tuple(weights)))
    theirs = Scheduler(parameters=weights, learning_steps=(td(minutes=2), td(minutes=30)), enable_fuzzing=False)
    now = datetime(2026, 11, 2, 9, tzinfo=UTC)
    got = preview_intervals(ours, None, now)
    for r in Rating:
        assert got[int(r)] == theirs.review_card(Card(card_id=0), r, now)[0].due - now
    assert got[1] == td(minutes=2)  # Again: the first learning step


def _plan_env(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    mini_catalog(tmp_path / "content")
    monkeypatch.setenv("MLDRILL_CONTENT_DIR", str(tmp_path / "content"))
    get_catalog.cache_clear()
    cat = get_catalog()
    return cat, catalog_items(cat)


def test_interview_pace_and_schedule_by_hand(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cat, items = _plan_env(db, tmp_path, monkeypatch)
    clock = FakeClock(datetime(2026, 11, 2, 9, tzinfo=UTC))
    # llm-engineer covers numerics-losses and attention-transformers: main cards a1, a4, b1, b2 (a2, a3 are
    # follow-ups). Interview on the 5th, set on the 2nd: 3 days left, pace ceil(4 / 3) = 2 > new_per_day 1.
    save_settings(db, {"timezone": "UTC", "fuzz": False, "new_per_day": 1, "track": "llm-engineer"})
    save_settings(db, {"interview_date": "2026-11-05", "plan_start": "2026-11-02"})
    p = plan_status(db, cat, items, now=clock())
    assert (p.total, p.days_left, p.pace, p.cap) == (4, 3, 2, 2)
    assert (p.needed_by_today, p.needed_by_yesterday, p.verdict) == (2, 0, "on")  # ceil(4 x 1/3) = 2
    s = start_drill(db, cat, items, DrillChoice(), clock=clock)
    assert s.queue == ["alpha/a1", "beta/b2"]  # the plan's cap of 2, in the interleaved order
    s.rate(4)
    while s.current() is not None:
        s.rate(4)  # a1's follow-ups come, and do not use the cap
    assert plan_status(db, cat, items, now=clock()).verdict == "done"
    clock.advance(days=2)  # the 3rd is skipped; on the 4th: needed ceil(4 x 3/3) = 4, by yesterday ceil(8/3) = 3
    p = plan_status(db, cat, items, now=clock())
    assert (p.seen, p.needed_by_today, p.needed_by_yesterday, p.verdict) == (2, 4, 3, "behind")
    assert (p.days_left, p.pace, p.cap) == (1, 2, 2)  # ceil(2 unseen / 1 day)
    clock.advance(days=1)
    assert plan_status(db, cat, items, now=clock()).verdict == "past"
    get_catalog.cache_clear()


def test_plan_never_lowers_the_own_cap(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cat, items = _plan_env(db, tmp_path, monkeypatch)
    save_settings(db, {"timezone": "UTC", "new_per_day": 20, "track": "llm-engineer", "interview_date": "2030-01-01"})
    p = plan_status(db, cat, items, now=datetime(2026, 11, 2, 9, tzinfo=UTC))
    assert p.pace == 1 and p.cap == 20
    assert load_settings(db).plan_start  # set the day the interview date was
    get_catalog.cache_clear()


def test_a_track_picks_the_new_cards_of_a_plain_drill(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cat, items = _plan_env(db, tmp_path, monkeypatch)
    save_settings(db, {"timezone": "UTC", "track": "classical-ml"})  # numerics-losses, not attention-transformers
    s = start_drill(db, cat, items, DrillChoice(), clock=FakeClock())
    assert s.queue == ["alpha/a1", "alpha/a4"]
    explicit = start_drill(db, cat, items, DrillChoice(area="attention-transformers"), clock=FakeClock())
    assert explicit.queue == ["beta/b2", "beta/b1"]  # a chosen filter wins over the plan's track
    with pytest.raises(ValueError, match="no track 'x'"):
        start_drill(db, cat, items, DrillChoice(track="x"))
    with pytest.raises(ValueError, match="no card has the tag"):
        start_drill(db, cat, items, DrillChoice(tag="nope"))
    get_catalog.cache_clear()


def test_shipped_tracks_load_against_the_real_catalog() -> None:
    get_catalog.cache_clear()
    tracks = load_tracks(get_catalog())
    assert {"llm-engineer", "ml-generalist", "classical-ml", "research-intern"} <= set(tracks)


HEAD = "tracks:\n  - id: a\n    title: A\n    about: x\n"


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (HEAD + "    areas:\n      - cnn\n      - astrology\n", 7, "unknown area 'astrology'"),
        (HEAD + "    areas: [cnn]\n    topics:\n      - nope\n", 7, "unknown topic 'nope'"),
        (HEAD + "    areas: [cnn]\n" + HEAD.replace("tracks:\n", "") + "    areas: [cnn]\n", 6, "defined twice"),
        ("tracks:\n  - id: a\n    about: x\n    areas: [cnn]\n", 2, "'title'"),
    ],
)
def test_track_file_errors_name_file_and_line(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = tmp_path / "tracks.yaml"
    path.write_text(body, encoding="utf-8")
    get_catalog.cache_clear()
    with pytest.raises(TrackError) as e:
        load_tracks(get_catalog(), path)
    assert str(e.value).startswith(f"{path}:{line}: ") and message in str(e.value)


def test_settings_are_checked_before_anything_is_saved(db: Database) -> None:
    with pytest.raises(ValueError, match="interview_date"):
        save_settings(db, {"new_per_day": 5, "interview_date": "next week"})
    assert load_settings(db).new_per_day == 20  # nothing saved
    with pytest.raises(ValueError, match="weight 0"):
        save_settings(db, {"fsrs_weights": [-1.0] * 21})
    _ = timedelta


def test_a_missed_day_raises_the_pace_back_to_the_line(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mldrill.store import ItemState

    cat, _ = _plan_env(db, tmp_path, monkeypatch)
    items = {f"n/c{i}": it(f"n/c{i}", "numerics-losses", "n", "L1") for i in range(20)}
    save_settings(db, {"timezone": "UTC", "new_per_day": 1, "track": "llm-engineer"})
    save_settings(db, {"interview_date": "2026-11-12", "plan_start": "2026-11-02"})  # 10 days, 20 cards: 2 a day
    day1 = datetime(2026, 11, 2, 10, tzinfo=UTC)
    with db.session() as s:
        for i in range(2):  # day 1's share, then nothing on the 3rd and 4th
            s.add(
                ItemState(
                    item_id=f"n/c{i}",
                    kind="card",
                    state=2,
                    step=None,
                    stability=3.0,
                    difficulty=5.0,
                    due=day1 + timedelta(days=3),
                    last_review=day1,
                    first_review=day1,
                    reps=1,
                    lapses=0,
                    status="fluent",
                )
            )
    p = plan_status(db, cat, items, now=datetime(2026, 11, 5, 9, tzinfo=UTC))
    # by hand on the 5th (day 4 of 10): needed by tonight ceil(20 x 4/10) = 8, seen 2, so 6 to catch up; the even
    # share would be ceil(18 unseen / 7 days left) = 3. The cap takes the catch-up.
    assert (p.needed_by_today, p.needed_by_yesterday, p.days_left) == (8, 6, 7)
    assert (p.pace, p.cap, p.verdict) == (6, 6, "behind")
    get_catalog.cache_clear()
