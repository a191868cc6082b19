"""`pulse seed`: reference data, and with --demo the demo data set. Idempotent."""

from __future__ import annotations

from pulse import console
from pulse.config import Settings
from pulse.database import connection
from pulse.scripts import run_script


def seed(settings: Settings, demo: bool, url: str | None = None) -> int:
    """Reference data (also applied by every migrate), then with --demo the demo data set."""
    folders = ["reference", "demo"] if demo else ["reference"]
    files = [path for folder in folders for path in sorted((settings.root / "db" / "seeds" / folder).glob("*.sql"))]
    with console.step(f"seed {' and '.join(folders)} data ({len(files)} files)"):
        with connection(url or settings.database_url) as conn, conn.transaction():
            for path in files:
                run_script(conn, path, settings.root)
    return len(files)
