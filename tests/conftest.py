"""Test-wide setup: one torch thread, as the app runs (faster for these tiny models, and fair on CI)."""

import torch

torch.set_num_threads(1)
