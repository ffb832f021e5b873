"""The NODE vs ANODE lab's precomputed 5-seed repetitions (scripts/make_node_seeds.py), read once per server."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from models.failure import Failure
from models.node_anode.seeds import SeedsResult, load_results

SEEDS_FILE = Path(__file__).resolve().parents[2] / "checkpoints" / "node_anode" / "seeds_moons.json"


@st.cache_data(max_entries=1, show_spinner=False)
def shipped_seeds() -> list[SeedsResult] | Failure:
    """The shipped repetitions, or why they could not be read (the tab then offers only the live run)."""
    try:
        return load_results(SEEDS_FILE)
    except (OSError, ValueError, KeyError, TypeError) as err:
        return Failure(f"the precomputed seed runs could not be read ({err})")
