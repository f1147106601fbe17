"""Named SPARQL queries (.rq files) shipped with beleidsgraaf; see graph/queries.py."""
