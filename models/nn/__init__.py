"""Shared neural pieces: the MLP vector field (nn.odefunc), the one model-agnostic trainer (nn.training)
and the checkpoint reader and writer (nn.checkpoints)."""
