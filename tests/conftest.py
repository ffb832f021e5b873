"""Test-wide setup: one torch thread, as the app runs (faster for these tiny models, and fair on CI)."""

import os

import torch

torch.set_num_threads(1)
# AppTests run the router, which would start the background warm-up (kit.warmup) in the test process;
# tests that want it call it themselves, and the end-to-end server turns it back on.
os.environ.setdefault("EXPLORER_WARMUP", "off")
