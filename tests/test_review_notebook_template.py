"""The notebook template that reviews the reader's own app (notebooks/templates/review-your-app.ipynb).

It is not a chapter: the site and `make notebooks` leave it out, and it is
not executed in CI (its review runs whatever app APP names). These checks keep
it a valid notebook whose code compiles and that reviews the app APP names.
"""

from __future__ import annotations

import ast

import nbformat

from guide_tools import notebooks

from .conftest import REPO

TEMPLATE = REPO / "notebooks" / "templates" / "review-your-app.ipynb"


def test_the_template_is_a_valid_notebook_whose_code_compiles():
    notebook = nbformat.read(TEMPLATE, as_version=4)
    nbformat.validate(notebook)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    for number, source in enumerate(code):
        ast.parse(source, filename=f"{TEMPLATE.name} code cell {number + 1}")
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), "commit it without outputs"
    joined = "\n".join(code)
    assert 'os.environ.get("APP")' in joined and "run_review(APP" in joined and "Playground(APP)" in joined


def test_the_template_is_not_a_chapter():
    assert TEMPLATE not in notebooks.find_notebooks()
