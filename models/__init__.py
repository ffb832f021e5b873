"""Pure torch + torchdiffeq + numpy: systems, solvers, datasets, models and training. No Streamlit."""
