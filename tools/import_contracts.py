"""A custom import-linter contract: bounded contexts meet only through `public`.

For every package under a container (taskhub.contexts), no module of one context may
import any module of another context except that context's `public` package and its
descendants. Contexts are discovered from the import graph, so a context added later
is covered from its first commit without touching importlinter.ini.
"""

from __future__ import annotations

from typing import Any

import grimp
from importlinter import Contract, ContractCheck, fields, output


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


class ContextBoundariesContract(Contract):
    type_name = "context_boundaries"

    containers = fields.ListField(subfield=fields.StringField())
    published = fields.StringField()

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        violations: list[dict[str, Any]] = []
        for container in self.containers:  # type: ignore[attr-defined]
            contexts = sorted(graph.find_children(container))
            for context in contexts:
                public = f"{context}.{self.published}"
                for imported in sorted({context, *graph.find_descendants(context)}):
                    if _within(imported, public):
                        continue
                    for importer in sorted(graph.find_modules_that_directly_import(imported)):
                        other = next((c for c in contexts if _within(importer, c)), None)
                        if other is None or other == context:
                            continue
                        details = graph.get_import_details(importer=importer, imported=imported)
                        violations.append(
                            {
                                "importer": importer,
                                "imported": imported,
                                "lines": [d["line_number"] for d in details],
                            }
                        )
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error(
            f"Contexts may only import each other's `{self.published}` package:", bold=True
        )
        output.new_line()
        for violation in check.metadata["violations"]:
            lines = ", ".join(f"l.{n}" for n in violation["lines"])
            output.print_error(f"- {violation['importer']} -> {violation['imported']} ({lines})")
        output.new_line()
