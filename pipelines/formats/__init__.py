"""Files to trustworthy Unicode text: the entry is `dispatch.read_document_bytes` (its docstring maps the modules)."""
