"""Normalizing flows in 2-D: seeded targets (flows.targets), the continuous flow with exact or Hutchinson
trace and optional regularisation (flows.cnf), the planar baseline (flows.planar), maximum-likelihood
training and held-out scores (flows.training), estimator studies (flows.estimators), the time-lapse
(flows.timelapse, resampled by flows.raster), checkpoints (flows.checkpoints) and the shipped flows
(flows.catalog)."""
