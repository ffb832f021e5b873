"""Cached computations behind the pages (st.cache_data / st.cache_resource), returning plain data."""
