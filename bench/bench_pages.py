"""Web page times: the Topic and Drill pages (and the others) served by `mldrill serve` over loopback, with the
package's whole catalog (801 cards, at least the 600 the target names) and 10,000 review records in the database.
The peer, measured in the same run and the same server: a static file (app.css), the floor any page pays for
HTTP, routing and the client.

    python bench/bench_pages.py [--reviews 10000] [--requests 200]

The reviews are made by the real scheduler: simulated days of drilling ending yesterday (20 new cards a day, every
due card reviewed, ratings drawn 10% Again / 15% Hard / 60% Good / 15% Easy) until the count is reached.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

try:
    import mldrill  # noqa: F401  (installed: use it; else run from a checkout)
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from fsrs import Card, Rating

from mldrill.catalog import get_catalog
from mldrill.store import Review, open_db
from mldrill.study.items import all_items
from mldrill.study.scheduler import Settings, make_scheduler
from mldrill.study.session import record_review

TARGET_P95_S = 0.050


def plan(item_ids: list[str], n_reviews: int, rng: random.Random) -> tuple[list[tuple[timedelta, str, int]], int]:
    """Simulated days of drilling with FSRS (no fuzz, so a replay gives the same due dates): returns the reviews as
    (time since the first day, item, rating) and the number of days they span."""
    scheduler = make_scheduler(Settings(fuzz=False))
    t0 = datetime(2000, 1, 1, tzinfo=UTC)
    cards: dict[str, Card] = {}
    events: list[tuple[timedelta, str, int]] = []
    day, started = 0, 0
    while len(events) < n_reviews:
        end = t0 + timedelta(days=day + 1)
        todays = [i for i, c in cards.items() if c.due < end] + item_ids[started : started + 20]
        started += 20
        for item_id in todays[: n_reviews - len(events)]:
            at = t0 + timedelta(days=day, minutes=len(events) % 600)
            rating = rng.choices((1, 2, 3, 4), weights=(10, 15, 60, 15))[0]
            cards[item_id], _ = scheduler.review_card(cards.get(item_id, Card()), Rating(rating), at)
            events.append((at - t0, item_id, rating))
        day += 1
    return events, day


def seed(url: str, n_reviews: int, rng: random.Random) -> int:
    """Replay `plan` through the app's own record_review so that the last simulated day is yesterday."""
    db = open_db(url)
    items = {i: it for i, it in all_items(get_catalog(), db).items() if it.kind == "card"}
    order = list(items)
    rng.shuffle(order)
    events, days = plan(order, n_reviews, rng)
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=days)
    scheduler = make_scheduler(Settings(fuzz=False))
    for offset, item_id, rating in events:
        record_review(db, scheduler, items[item_id], rating, now=start + offset)
    with db.session() as s:
        assert s.query(Review).count() == n_reviews
    db.close()
    return days


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def times(client: httpx.Client, path: str, n: int) -> list[float]:
    client.get(path).raise_for_status()  # warm: first-use imports, template compilation, caches
    out = []
    for _ in range(n):
        t = time.perf_counter()
        r = client.get(path)
        out.append(time.perf_counter() - t)
        r.raise_for_status()
    return out


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20)[-1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reviews", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=200)
    args = ap.parse_args()
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        shm = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tmp)
        seeding = Path(tempfile.mkdtemp(dir=shm))  # seeding commits 10,000 times: on tmpfs it takes seconds
        t = time.perf_counter()
        days = seed(f"sqlite:///{seeding / 'bench.db'}", args.reviews, rng)
        shutil.move(seeding / "bench.db", Path(tmp) / "bench.db")  # measured on the real disk
        shutil.rmtree(seeding)
        cards = sum(len(t.cards) for t in get_catalog().topics.values())
        print(f"seeded {args.reviews} reviews over {days} days on {cards} cards in {time.perf_counter() - t:.1f} s")

        port = free_port()
        env = {**os.environ, "MLDRILL_DATABASE_URL": f"sqlite:///{tmp}/bench.db", "XDG_DATA_HOME": tmp}
        src = str(Path(__file__).resolve().parents[1] / "src")
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
        server = subprocess.Popen(
            [sys.executable, "-m", "mldrill", "serve", "--port", str(port)], env=env, stderr=subprocess.DEVNULL
        )
        try:
            base = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base, timeout=30, headers={"Accept": "text/html"}) as client:
                for _ in range(300):
                    try:
                        client.get("/static/app.css")
                        break
                    except httpx.TransportError:
                        time.sleep(0.05)
                cat = get_catalog()
                biggest = max(cat.topics.values(), key=lambda t: len(t.cards))
                # A drill starts by POSTing the start form (a GET changes nothing), with the form's CSRF token.
                m = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/drill").text)
                assert m, "no start form on /drill"
                start_form = {"csrf": m.group(1)}
                drill = client.post("/drill", data=start_form, follow_redirects=True)
                sid = str(drill.url).rsplit("/", 1)[1]
                pages = {
                    "static file (peer)": "/static/app.css",
                    f"Topic /topics/{biggest.id} ({len(biggest.cards)} cards)": f"/topics/{biggest.id}",
                    "Drill card (question)": f"/drill/{sid}",
                    "Drill card (answer + intervals)": f"/drill/{sid}?reveal=1",
                    "Today": "/",
                    "Topics": "/topics",
                    "Practice log": "/log",
                    "Stats": "/stats",
                    "Cards (browser, first page)": "/cards",
                    "Cards search ?q=kv+cache": "/cards?q=kv+cache",
                    "Cards search, 3 words + filter": "/cards?q=the+of+a&level=L2&sort=-lapses",
                    "Cards: one card + history": f"/cards/show?id={biggest.cards[0].id}",
                    "Mock interviews (start form, past mocks)": "/mock",
                    "Labs": "/labs",
                    "Katas (by area)": "/katas",
                    "Katas, filtered": "/katas?level=L2&framework=torch&show=unsolved",
                    "Lab /labs/attention_scaling (predict first)": "/labs/attention_scaling",
                }
                results = {name: times(client, path, args.requests) for name, path in pages.items()}
                start = []  # a new drill session: the queue of 10,000-review history built from the database
                for _ in range(max(20, args.requests // 10)):
                    t = time.perf_counter()
                    assert client.post("/drill", data=start_form).status_code == 303
                    start.append(time.perf_counter() - t)
                results["Drill start (new session, redirect)"] = start
        finally:
            server.terminate()
            server.wait(10)
    peer = statistics.median(results["static file (peer)"])
    print(f"{args.requests} requests per page, one client, sequential")
    print(f"{'page':<44} {'median':>9} {'p95':>9}  {'p95/target':>10}  median/static")
    for name, xs in results.items():
        print(
            f"{name:<44} {statistics.median(xs) * 1e3:7.1f}ms {p95(xs) * 1e3:7.1f}ms"
            f"  {p95(xs) / TARGET_P95_S:9.2f}x  {statistics.median(xs) / peer:8.1f}x"
        )
    worst = max(p95(results[k]) for k in results if k.startswith(("Topic ", "Drill card", "Cards")))
    print(f"Topic, Drill and Cards pages: worst p95 {worst * 1e3:.1f} ms (target {TARGET_P95_S * 1e3:.0f} ms)")


if __name__ == "__main__":
    main()
