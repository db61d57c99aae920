"""Link checker for the Convex Architecture Guide.

Reads Markdown pages, notebooks, snippet comments, README and mkdocs.yml;
resolves internal links the way MkDocs will; checks web links once each,
politely (per-host limits, Retry-After, backoff that does not stall the run),
and tells broken links apart from bot walls and network noise.

Modules, in pipeline order: :mod:`sources` (files -> links; :mod:`mdscan`,
:mod:`notebook`, :mod:`comments`, :mod:`htmlscan`), :mod:`internal` (links in
the repo), :mod:`engine` + :mod:`fetch` + :mod:`classify` (links on the web),
:mod:`cache`, :mod:`checker` (the pipeline), :mod:`report`, :mod:`fix`,
:mod:`cli`.
"""

__version__ = "1.0.0"
