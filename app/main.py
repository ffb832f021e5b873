"""Neural ODE Explorer: the router. Sets the page up once, then runs the page the URL asks for."""

import os

# One torch thread (several times faster for these tiny models on a 2-core machine). Set before torch is
# first imported, which happens in the background warm-up or in a page, never here: the landing page
# stays free of torch so that it appears while torch is still loading.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import streamlit as st  # noqa: E402

from kit.chrome import apply_presenter_mode  # noqa: E402
from kit.memory import collect_less_often, give_back_large_blocks, limit_malloc_arenas, trim_when_quiet  # noqa: E402
from kit.registry import PAGES  # noqa: E402
from kit.sockets import send_without_delay  # noqa: E402
from kit.story import tour_bar  # noqa: E402
from kit.warmup import start_warmup  # noqa: E402

limit_malloc_arenas()  # before the session threads multiply: see kit/memory.py
give_back_large_blocks()  # before torch's first tensors: see kit/memory.py
collect_less_often()  # fewer garbage-collector passes holding the GIL under a herd: see kit/memory.py
trim_when_quiet()  # freed holes in the heap go back to the system: see kit/memory.py
send_without_delay()  # replies without a 40 ms Nagle stall: see kit/sockets.py
st.set_page_config(page_title="Neural ODE Explorer", page_icon=":material/all_inclusive:", layout="wide")

navigation = st.navigation(
    [st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url or None, default=not p.url) for p in PAGES]
)
apply_presenter_mode()
tour_bar()
try:
    navigation.run()
finally:  # also when the page stops or reruns (st.stop / st.rerun raise through here)
    # After the page, not before: the first visitor's page should not share the interpreter with the warm-up.
    start_warmup()
