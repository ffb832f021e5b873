"""Guided tour: the prepared views of a talk, in order, each one a link."""

import streamlit as st

from kit.story import nav_page, step_link, steps

st.title("Guided tour")
st.markdown(
    "An ordered sequence of prepared views for a talk of about twenty minutes. Each step opens its page "
    "with the view set up and a bar on top with the caption and **Previous / Next**. Every step is itself "
    "a link: right-click to copy it into your slides. Presenter mode (**Start in presenter mode** "
    "below, or the sidebar's toggle) hides the controls and enlarges the type; ← / → step through the tour."
)
first_path, first_params = step_link(1)
st.page_link(
    nav_page(first_path), label="Start the tour", icon=":material/play_arrow:", query_params=first_params
)
st.page_link(
    nav_page(first_path),
    label="Start in presenter mode",
    icon=":material/co_present:",
    query_params={**first_params, "present": "1"},
    help="Step 1 with the controls hidden and the type enlarged; presenter mode stays on until you leave it.",
)

for k, step in enumerate(steps(), start=1):
    path, params = step_link(k)
    with st.container(border=True):
        st.markdown(f"**{k}. {step.title}**  \n{step.caption}")
        st.page_link(
            nav_page(path), label="Open this step", icon=":material/open_in_new:", query_params=params
        )
