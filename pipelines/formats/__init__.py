"""Files to trustworthy Unicode text; the entry is `dispatch.read_document_bytes`, whose docstring
maps the modules."""
