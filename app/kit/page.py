"""The scaffold every page shares: title, caption, the link-notes area, its bound controls and the finish."""

from __future__ import annotations

import streamlit as st

from kit.chrome import presenter_mode
from kit.links import PageLinks

SHARE = "Every control is part of the link: copy the URL to share this exact view."


class PageScaffold:
    """Opens a page: its title and caption, then the area where link notes appear (near the top, so they
    read first, though the widgets that leave them come later). `links` binds the page's view to widgets."""

    def __init__(self, page: str, view_type: type, title: str, caption: str) -> None:
        self.links = PageLinks(page, view_type)
        self._caption = caption
        st.title(title)
        # On a projector the page's description waits at its foot: there, under the tour's banner, its two
        # lines pushed every figure 45-70 px further towards the fold, and the banner says what the step shows.
        if not presenter_mode():
            st.caption(caption)
        self.notes = st.container()
        # Made now so that Reset view stands at the top of the sidebar, above the page's own controls;
        # filled in `finish`, once every control is bound.
        self._reset_area = st.sidebar.container()

    def finish(self, share: str | None = SHARE) -> None:
        """Call once at the end: the line that says the view is a link (not when `share` is None), or in
        presenter mode the page's description instead, then the URL's sync and the link notes."""
        if presenter_mode():
            st.caption(self._caption)
        elif share is not None:
            st.caption(share)
        self._reset_area.button(
            "Reset view",
            key=f"{self.links.page}.__reset_view",
            icon=":material/restart_alt:",
            on_click=self.links.reset,
            help="Back to this page's opening view: every control at its default, a bare link.",
        )
        self.links.finish(self.notes)
