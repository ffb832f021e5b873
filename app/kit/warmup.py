"""Warm the server once, in the background, shortly after its first visitor arrives.

Streamlit runs no code at server start, so the router calls `start_warmup()` on every run and the first
call starts one daemon thread per process that, a few seconds after that first page,
1. imports torch (about 3 s here) and sets it to one thread, then the models and figure builders; and
2. computes every page's opening view into the shared caches (the home page builders, which call the
   pages' own cached functions), so the first visitor to open a page finds it ready.
The landing page needs neither (kit.home_pictures), so a visitor sees it while this runs.

EXPLORER_WARMUP=imports does step 1 only; =off starts nothing (tests that check the home page stays
free of torch). Failures are logged, never raised: a warm-up must not take the server down.
"""

from __future__ import annotations

import logging
import os
import threading
import time

LOG = logging.getLogger("explorer.warmup")
MODES = ("views", "imports", "off")
#: Seconds between the first page run and the warm-up: the first visitor's browser is still drawing that
#: page (3-5 s here), and on a 2-core machine the warm-up (a core for ~10 s) slowed its first chart.
DELAY_S = 8.0

_lock = threading.Lock()
_thread: threading.Thread | None = None


def warmup_mode() -> str:
    mode = os.environ.get("EXPLORER_WARMUP", "views").strip().lower()
    return mode if mode in MODES else "views"


def warm_up(mode: str = "views") -> list[str]:
    """Do the warm-up now, in this thread; return what was warmed ("imports", then page urls)."""
    done: list[str] = []
    if mode == "off":
        return done
    start = time.perf_counter()
    import torch

    # These models are tiny: one thread measured several times faster than two on a 2-core machine,
    # and a hosted server runs many sessions at once. (OMP_NUM_THREADS=1 from the router covers the
    # moments before this line.)
    torch.set_num_threads(1)
    from cached import thumbnails  # imports every model and figure module the pages use

    done.append("imports")
    LOG.info("warm-up: imports in %.1f s", time.perf_counter() - start)
    if mode == "imports":
        return done
    for url, build in thumbnails.THUMBNAILS.items():
        try:
            build()
        except Exception:  # a broken view must not stop the others or the server; the page will say more
            LOG.exception("warm-up of %s failed", url)
            continue
        done.append(url)
    LOG.info("warm-up: %d opening views in %.1f s", len(done) - 1, time.perf_counter() - start)
    return done


def start_warmup(delay_s: float = DELAY_S) -> threading.Thread | None:
    """Start the warm-up thread (after `delay_s`) if this process has none yet; return it when started
    by this call."""
    global _thread
    mode = warmup_mode()
    with _lock:
        if _thread is not None or mode == "off":
            return None
        _thread = threading.Thread(target=_after, args=(delay_s, mode), name="explorer-warmup", daemon=True)
        _thread.start()
        return _thread


def _after(delay_s: float, mode: str) -> None:
    time.sleep(delay_s)
    warm_up(mode)
