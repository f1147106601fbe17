"""Ontology, SHACL shapes and national identifier tables (data files, read with importlib.resources)."""
