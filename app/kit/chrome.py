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
#: Set while the session is in presenter mode: a page link or the menu opens its page with the link's own
#: parameters only, so the mode is kept here and written back into the URL until it is left.
PRESENT_KEY = "chrome.present"


def presenter_mode() -> bool:
    """True when the link asks for presenter mode (`?present=1`) or the sidebar toggle is on."""
    return st.query_params.get("present") == "1"


def presenter_params() -> dict[str, str]:
    """The query parameter that keeps presenter mode on a link, while it is on."""
    return {"present": "1"} if presenter_mode() else {}


def apply_presenter_mode() -> None:
    """Sidebar toggle bound to `?present=1`; when on, hide the controls and enlarge the type.

    Call once per run, before anything reads `presenter_mode()`: it carries the mode into a page entered
    by a link that does not name it."""
    if presenter_mode():
        st.session_state[PRESENT_KEY] = True
    elif st.session_state.get(PRESENT_KEY):
        st.query_params["present"] = "1"
    if presenter_mode():
        st.markdown(PRESENTER_CSS, unsafe_allow_html=True)
        if st.button("Leave presenter mode", key="leave_present", type="tertiary"):
            del st.query_params["present"]
            st.session_state.pop(PRESENT_KEY, None)
            st.rerun()
    elif st.sidebar.button(
        "Presenter mode",
        icon=":material/co_present:",
        key="enter_present",
        help="Hide the controls and enlarge the type, for a projector. Adds present=1 to the link.",
    ):
        st.query_params["present"] = "1"
        st.rerun()
