"""The background warm-up: imports torch with one thread, fills every page's opening view, starts once."""

from __future__ import annotations

import pytest

from cached.thumbnails import THUMBNAILS
from kit import warmup


@pytest.mark.parametrize(
    ("value", "mode"), [(None, "views"), ("imports", "imports"), (" OFF ", "off"), ("nonsense", "views")]
)
def test_mode_comes_from_the_environment(monkeypatch, value, mode):
    if value is None:
        monkeypatch.delenv("EXPLORER_WARMUP", raising=False)
    else:
        monkeypatch.setenv("EXPLORER_WARMUP", value)
    assert warmup.warmup_mode() == mode


def test_off_does_nothing():
    assert warmup.warm_up("off") == []


def test_imports_sets_one_torch_thread():
    import torch

    torch.set_num_threads(2)
    try:
        assert warmup.warm_up("imports") == ["imports"]
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(1)


def test_views_warms_every_page_opening_view():
    assert warmup.warm_up("views") == ["imports", *THUMBNAILS]


def test_a_failing_view_is_logged_and_the_rest_still_warm(monkeypatch, caplog):
    def broken():
        raise RuntimeError("checkpoint gone")

    monkeypatch.setitem(THUMBNAILS, "solver_lab", broken)
    done = warmup.warm_up("views")
    assert "solver_lab" not in done and "latent_spirals" in done
    assert "warm-up of solver_lab failed" in caplog.text


def test_start_warmup_starts_one_thread_per_process(monkeypatch):
    monkeypatch.setenv("EXPLORER_WARMUP", "imports")
    monkeypatch.setattr(warmup, "_thread", None)
    first = warmup.start_warmup(delay_s=0.0)
    assert first is not None
    first.join(timeout=60)
    assert not first.is_alive()
    assert warmup.start_warmup() is None  # already started in this process


def test_start_warmup_off_starts_nothing(monkeypatch):
    monkeypatch.setenv("EXPLORER_WARMUP", "off")
    monkeypatch.setattr(warmup, "_thread", None)
    assert warmup.start_warmup() is None
