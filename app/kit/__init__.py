"""Streamlit helpers shared by the pages: link-bound widgets, cached resources, page chrome."""
