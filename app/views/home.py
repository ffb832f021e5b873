"""Home: what the explorer shows, one card per page with a small picture of its opening view."""

import streamlit as st

from kit.figures import draw_spec
from kit.home_pictures import thumbnail_specs
from kit.registry import PAGES

st.title("Neural ODE Explorer")
st.markdown(
    "See what an ODE solver, a phase portrait, a Neural ODE, an Augmented Neural ODE and a latent ODE "
    "actually do. Change a system, a solver or a model and watch the result; every view is a link you "
    "can share, and presenter mode (sidebar) makes it readable on a projector."
)

cards = [p for p in PAGES if p.url]
pictures = thumbnail_specs()
for row in range(0, len(cards), 3):
    for col, page in zip(st.columns(3), cards[row : row + 3], strict=False):
        with col.container(border=True):
            st.subheader(page.title)
            if page.url in pictures:
                draw_spec(st, pictures[page.url], key=f"thumb_{page.url}", config={"staticPlot": True})
            st.markdown(page.blurb)
            st.page_link(page.path, label=f"Open {page.title}", icon=":material/arrow_forward:")
