"""Dynamical systems: the named library (systems.library), planar linear systems (systems.linear), typed
maths compiled safely to torch (systems.parser, systems.expressions), and the one hashable spec of a
system a page shows (systems.spec)."""
