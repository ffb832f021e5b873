"""Phase portraits: batched, guarded solves of many trajectories and field samples (phase.portrait) within a
budget of work (phase.work), and fixed points found by Newton's method and classified (phase.fixed_points),
nullclines traced by marching squares (phase.nullclines)."""
