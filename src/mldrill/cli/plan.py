"""`mldrill plan` (tracks, the interview plan, today's counts) and `mldrill fsrs fit` (FSRS fitted to you)."""

from __future__ import annotations

import typer

from mldrill.cli.common import catalog, console, database, fail, items, print_json

fsrs_app = typer.Typer(help="FSRS fitted to your own reviews.", no_args_is_help=True)


def plan(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """The tracks, your plan (`mldrill config track ID`, `mldrill config interview_date YYYY-MM-DD`) and today's
    counts: due now, later today, new cards left."""
    from dataclasses import asdict

    from mldrill.study.plan import plan_status, today_counts
    from mldrill.study.tracks import get_tracks

    cat, db = catalog(), database()
    its = items(db)
    p = plan_status(db, cat, its)
    c = today_counts(db, cat, its)
    tracks = get_tracks(cat)
    if as_json:
        print_json(
            {
                "tracks": {
                    t.id: {"title": t.title, "areas": list(t.areas), "topics": list(t.topics)} for t in tracks.values()
                },
                "track": p.track.id if p.track else None,
                "interview_date": p.interview.isoformat() if p.interview else None,
                "total": p.total,
                "seen": p.seen,
                "days_left": p.days_left,
                "pace": p.pace,
                "cap": p.cap,
                "needed_by_today": p.needed_by_today,
                "verdict": p.verdict,
                "today": asdict(c),
            }
        )
        return
    console.print("[bold]Tracks[/] (mldrill config track ID)")
    for t in tracks.values():
        mark = "→" if p.track and p.track.id == t.id else " "
        console.print(f" {mark} [bold]{t.id}[/]  {t.title}: {t.about}", soft_wrap=True)
    if p.track:
        console.print(f"\n[bold]Plan[/] {p.track.title}: {p.seen} of {p.total} main cards seen.")
        if p.interview is None:
            console.print("Set an interview date to pace it: mldrill config interview_date YYYY-MM-DD")
        elif p.verdict == "past":
            console.print(f"[red]The interview date {p.interview} has passed[/] with {p.total - p.seen} cards unseen.")
        else:
            words = {
                "done": "[green]on schedule, today's part done[/]",
                "on": "[green]on schedule[/]",
                "behind": "[red]behind[/]",
            }
            console.print(
                f"Interview on {p.interview}: {p.days_left} day(s) left, {p.pace} new a day (today's cap {p.cap}); "
                f"{p.needed_by_today} needed by tonight: {words.get(p.verdict, p.verdict)}."
            )
    console.print(
        f"\n[bold]Today[/] {c.due_now} due now, {c.later_today} later today "
        f"({c.learning} learning, {c.review} review); "
        f"{c.new_left} new left of {c.cap} ({c.new_seen} seen"
        + (f", + {c.followups_seen} follow-ups not counted" if c.followups_seen else "")
        + ")."
    )


@fsrs_app.command("fit")
def fit(
    apply: bool = typer.Option(False, "--apply", help="Use the fitted weights from now on."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Fit FSRS's weights to your review log with py-fsrs's optimizer (512 reviews needed, a day or more apart)."""
    from mldrill.study.fit import FitUnavailable
    from mldrill.study.fit import fit as run_fit
    from mldrill.study.scheduler import load_settings, save_settings

    db = database()
    try:
        result = run_fit(db, load_settings(db).fsrs_weights)
    except FitUnavailable as e:
        fail(str(e))
    if apply and result.enough and result.weights is not None:
        save_settings(db, {"fsrs_weights": list(result.weights)})
    if as_json:
        print_json({**result.as_dict(), "applied": bool(apply and result.enough)})
        return
    if not result.enough:
        console.print(result.message)
        return
    assert result.old is not None and result.new is not None
    console.print(f"Fitted on {result.counted} reviews (of {result.reviews}).")
    console.print("                 predicted retention   log loss")
    console.print(f"  current        {result.old.predicted:>19.3f}   {result.old.log_loss:.4f}")
    console.print(f"  fitted         {result.new.predicted:>19.3f}   {result.new.log_loss:.4f}")
    console.print(f"  actual recall  {result.old.actual:>19.3f}")
    if result.suggested_retention:
        console.print(f"Suggested desired retention: {result.suggested_retention} (mldrill config desired_retention …)")
    console.print("Applied: the scheduler uses them from now on." if apply else "Use them: mldrill fsrs fit --apply")
