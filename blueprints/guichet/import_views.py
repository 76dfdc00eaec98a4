"""The guichet's import of a spreadsheet of statements received by e-mail: the partners' import
(``blueprints.imports_common``) over every mission of the territory."""

from __future__ import annotations

from blueprints.guichet.views import bp
from blueprints.imports_common import ImportPages

IMPORTS = ImportPages("guichet", lambda: None)
IMPORTS.register(bp)
