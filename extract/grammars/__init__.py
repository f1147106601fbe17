"""One module per document layout, each with `parse(text) -> DocumentTree`; extract/structure.py
decides which one a document needs."""
