"""The load benchmark's reference: the smallest Streamlit page with the same parts a visitor's session
touches on the explorer (a title, a "Step size h" input, one plotly chart), and nothing else.

Served by benchmarks/bench_load.py in the same run as the explorer, so that the time the browsers and
Streamlit itself need on this machine is measured beside ours rather than guessed.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.title("Reference page")
h = st.number_input("Step size h", 0.001, 1.0, 0.2, step=0.01, format="%.4f")
t = np.arange(0.0, 20.0 + h, h)
st.plotly_chart(go.Figure(go.Scatter(x=t, y=np.sin(t), mode="lines")))
