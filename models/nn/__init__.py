"""Shared neural pieces: the MLP vector field and its NFE metric (nn.odefunc), the one model-agnostic trainer
(nn.training) with its samplers (nn.samplers) and supervised losses, evaluation and `fit_splits`
(nn.supervised), and the checkpoint reader and writer (nn.checkpoints)."""
