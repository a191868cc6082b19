"""Terminal output: progress on stderr, results on stdout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

# soft_wrap: a long line (a list of pending changes) stays one line for scripts that read it.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


@contextmanager
def step(message: str) -> Iterator[None]:
    """A spinner while a long step runs, then a check mark."""
    with err.status(message, spinner="dots"):
        yield
    err.print(f"[green]✓[/green] {message}")


def info(message: str) -> None:
    err.print(message)
