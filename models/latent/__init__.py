"""Latent ODEs on spirals: the data (latent.spirals), the ODE-VAE (latent.model), the RNN baseline
(latent.rnn), their losses for the trainer (latent.losses), analysis for the page (latent.analysis) and
checkpoints (latent.checkpoints)."""
