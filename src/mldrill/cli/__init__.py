"""The `mldrill` command line (typer + rich). Commands parse input, call one function below, render the result.

Heavy modules (SQLAlchemy, pydantic, fsrs) are imported inside the commands, so `mldrill --help` stays fast.
"""

from __future__ import annotations

import typer

from mldrill.cli import cards, config, content, data, drill, kata, lab, mock, plan, reports, serve, study

app = typer.Typer(
    name="mldrill",
    help="Prepare for ML, deep-learning and LLM interviews: learn, drill, code and see it run — offline.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("mldrill")
        except PackageNotFoundError:  # run from a checkout without installing it
            v = "unknown (not installed)"
        typer.echo(f"mldrill {v}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: bool = typer.Option(
        False, "--version", help="Print mldrill's version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    """Prepare for ML, deep-learning and LLM interviews: learn, drill, code and see it run — offline."""


app.command("serve")(serve.serve)
app.command("drill")(drill.drill)
app.command("topics")(study.topics)
app.command("show")(study.show)
app.command("stats")(study.stats)
app.command("log")(study.log)
app.command("export")(data.export)
app.command("import")(data.import_cards)
app.command("backup")(data.backup)
app.command("restore")(data.restore)
app.command("config")(config.config)
app.command("plan")(plan.plan)
app.add_typer(plan.fsrs_app, name="fsrs")
app.command("lab", context_settings=lab.CONTEXT)(lab.lab)
app.add_typer(kata.app, name="kata")
app.add_typer(content.app, name="content")
app.add_typer(reports.app, name="reports")
app.add_typer(cards.app, name="cards")
app.add_typer(mock.app, name="mock")


def main() -> None:
    app()
