"""Write app/assets/thumbnails.json: the home page's small pictures, drawn from each page's opening view.

    python scripts/make_thumbnails.py            # rewrite the file (seconds; uses the shipped checkpoints)

The home page only reads this file, so a visitor's first chart needs neither torch nor a solve (the cold
start target). Rerun after changing a page's opening view or a checkpoint; tests/app/test_thumbnails.py
fails while the file and the pages disagree.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "app"))  # the builders live in the app's cached layer

from cached.thumbnails import THUMBNAILS, compact_figure  # noqa: E402
from kit.home_pictures import THUMBNAIL_FILE  # noqa: E402


def main() -> None:
    start = time.perf_counter()
    figures = {url: compact_figure(build()) for url, build in THUMBNAILS.items()}
    THUMBNAIL_FILE.parent.mkdir(parents=True, exist_ok=True)
    THUMBNAIL_FILE.write_text(json.dumps({"format": 1, "figures": figures}, separators=(",", ":")))
    size_kb = THUMBNAIL_FILE.stat().st_size / 1024
    print(f"wrote {THUMBNAIL_FILE.relative_to(ROOT)}: {len(figures)} pictures, {size_kb:.0f} KB, "
          f"{time.perf_counter() - start:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
