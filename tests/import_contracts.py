"""An import-linter contract type the built-in ones lack: forbidden when imported.

gui.shell opens a lab only when its scenario is first chosen, importing it inside a function,
so the start page appears without the labs and pyqtgraph. import-linter (grimp) records an
import inside a function like one at the top of the module (its `is_lazy` is PEP 810's `lazy
import`), so a forbidden contract would count it. This one leaves out every import that sits in
a function body, then checks the rest as a forbidden contract does, indirect chains included.
pyproject.toml registers it in [tool.importlinter] contract_types.
"""

from __future__ import annotations

import ast
import copy
import functools
from pathlib import Path

from importlinter.contracts.forbidden import ForbiddenContract


@functools.cache
def lines_inside_functions(module: str) -> frozenset[int]:
    """The lines of `module`'s import statements that run only when a function is called;
    empty for a module outside the checkout (an external package)."""
    parts = Path(*module.split("."))
    for path in (parts.with_suffix(".py"), parts / "__init__.py"):
        if path.is_file():
            break
    else:
        return frozenset()
    lines = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            lines.update(inner.lineno for inner in ast.walk(node)
                         if isinstance(inner, ast.Import | ast.ImportFrom))
    return frozenset(lines)


class ForbiddenWhenImportedContract(ForbiddenContract):
    """The source modules may import the forbidden ones inside a function (when it is called),
    never by being imported themselves."""

    def check(self, graph, verbose: bool):
        eager = copy.deepcopy(graph)  # the graph is shared with the other contracts
        for importer in graph.modules:
            in_functions = lines_inside_functions(importer)
            if not in_functions:
                continue
            for imported in graph.find_modules_directly_imported_by(importer):
                details = graph.get_import_details(importer=importer, imported=imported)
                if details and all(each["line_number"] in in_functions for each in details):
                    eager.remove_import(importer=importer, imported=imported)
        return super().check(eager, verbose)
