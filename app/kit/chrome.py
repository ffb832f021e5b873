"""Page chrome shared by every page: presenter mode (big type, no controls) and error display."""

from __future__ import annotations

import streamlit as st

PRESENTER_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 22px; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
h1 { font-size: 3rem !important; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.3rem; }
.block-container { max-width: 100% !important; padding-left: 2rem; padding-right: 2rem; }
</style>
"""


def presenter_mode() -> bool:
    """True when the link asks for presenter mode (`?present=1`) or the sidebar toggle is on."""
    return st.query_params.get("present") == "1"


def apply_presenter_mode() -> None:
    """Sidebar toggle bound to `?present=1`; when on, hide the controls and enlarge the type."""
    on = presenter_mode()
    if on:
        st.markdown(PRESENTER_CSS, unsafe_allow_html=True)
        if st.button("Leave presenter mode", key="leave_present", type="tertiary"):
            del st.query_params["present"]
            st.rerun()
    elif st.sidebar.button(
        "Presenter mode",
        icon=":material/co_present:",
        key="enter_present",
        help="Hide the controls and enlarge the type, for a projector. Adds present=1 to the link.",
    ):
        st.query_params["present"] = "1"
        st.rerun()
