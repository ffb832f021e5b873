"""How Neural ODEs learn: adjoint against backprop memory (learning.adjoint_memory), the paper's NFE study
(learning.nfe_study), fitting a field to trajectories (learning.dynamics_fit), ResNet against ODE-Net
regression (learning.resnet_vs_odenet), and their checkpoints (learning.checkpoints)."""
