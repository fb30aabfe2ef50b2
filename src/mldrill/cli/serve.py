"""`mldrill serve`: the web application on 127.0.0.1."""

from __future__ import annotations

import typer

from mldrill.cli.common import console


def serve(
    port: int = typer.Option(8765, "--port", "-p", help="Port on 127.0.0.1."),
    open_browser: bool = typer.Option(False, "--open", help="Open the app in your browser."),
) -> None:
    """Serve the web app on http://127.0.0.1:PORT (local only)."""
    import threading
    import webbrowser

    import uvicorn

    from mldrill.web.app import create_app

    url = f"http://127.0.0.1:{port}/"
    console.print(f"mldrill on [bold]{url}[/]  (Ctrl-C stops it)")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(create_app(), host="127.0.0.1", port=port, log_level="warning")
