"""Solving ODEs: the one bounded `solve`, with or without gradients (ode.solve), its method registry
(ode.methods), budget and errors (ode.budget), the fixed-step methods written out (ode.fixed_step), and
measured convergence orders and work-precision (ode.convergence)."""
