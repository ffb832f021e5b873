"""Neural ODE Explorer: the router. Sets the page up once, then runs the page the URL asks for."""

import streamlit as st
import torch

# These models are tiny: one thread measured several times faster than two on a 2-core machine, and a
# hosted server runs many sessions at once.
if torch.get_num_threads() != 1:
    torch.set_num_threads(1)

from kit.chrome import apply_presenter_mode  # noqa: E402
from kit.registry import PAGES  # noqa: E402
from kit.story import tour_bar  # noqa: E402

st.set_page_config(page_title="Neural ODE Explorer", page_icon=":material/all_inclusive:", layout="wide")

navigation = st.navigation(
    [st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url or None, default=not p.url) for p in PAGES]
)
apply_presenter_mode()
tour_bar()
navigation.run()
