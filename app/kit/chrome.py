"""Page chrome shared by every page: presenter mode (big type, no controls) and error display."""

from __future__ import annotations

import streamlit as st

#: A projector at 1280x720 or 1024x768: big type, but tight space above the figure (no header, small gaps,
#: a one-line title), so that each page's main figure starts above the fold; nothing ellipsized.
PRESENTER_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 22px; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"] { display: none; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0.4rem 1.2rem 3rem; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.45rem; }
[data-testid="stMain"] [data-testid="stHorizontalBlock"] { gap: 0.8rem; }
h1 { font-size: 2.1rem !important; padding: 0.1rem 0 0.3rem !important; line-height: 1.15 !important; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.05rem; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: 0.75rem; line-height: 1.35; }
[data-testid="stTabs"] [data-testid="stTab"] p { font-size: 0.85rem; }
[data-testid="stTabPanel"] { padding-top: 0.5rem; }
[data-testid="stMetricLabel"] p { font-size: 0.75rem !important; white-space: normal; }
[data-testid="stMetricLabel"] * { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p { font-size: 1.9rem !important; line-height: 1.15; }
[data-testid="stMain"] [data-testid="stPageLink-NavLink"] p, [data-testid="stMain"] label p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMain"] button { min-width: max-content; }
[data-testid="stMain"] button p { white-space: nowrap !important; overflow: visible !important;
  text-overflow: clip !important; }
/* faint until pointed at: it is fixed over whatever a chart draws in the screen's corner (a legend) */
.st-key-leave_present { position: fixed; bottom: 0.2rem; right: 0.5rem; z-index: 999990; width: auto !important;
  opacity: 0.35; }
.st-key-leave_present:hover { opacity: 1; background: rgba(255, 255, 255, 0.9); }
.st-key-leave_present button { min-height: 0; padding: 0 0.3rem; }
.st-key-leave_present button p { font-size: 0.6rem !important; color: #888; }
.st-key-tour_bar { padding: 0.3rem 0.7rem !important; gap: 0.1rem !important; }
.st-key-tour_bar [data-testid="stMarkdownContainer"] p { font-size: 0.95rem; }
.st-key-tour_bar [data-testid="stCaptionContainer"] p { font-size: 0.72rem; color: #444; }
.st-key-tour_bar a[data-testid="stPageLink-NavLink"] { padding: 0 0.4rem; }
[data-testid="stMain"] [data-testid="stAlert"] p { font-size: 0.8rem; }
[data-testid="stMain"] [data-testid="stAlertContainer"] { padding: 0.4rem 0.8rem; }
[data-testid="stElementToolbar"] { opacity: 1 !important; }
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
        st.html(PRESENTER_CSS)  # style only: Streamlit puts it where it takes no room on the page
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
