"""Tab bodies of pages that have grown several tabs; a page script mounts them (a page never imports another)."""
