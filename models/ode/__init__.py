"""Solving ODEs: the one bounded `solve` with its method registry (ode.solve), the fixed-step methods
written out (ode.fixed_step), and measured convergence orders and work-precision (ode.convergence)."""
