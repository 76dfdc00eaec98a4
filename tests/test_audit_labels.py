"""Every action the code writes to the audit log has a French label for the journal pages."""

from __future__ import annotations

import re
from pathlib import Path

from saas.audit.api import ACTION_LABELS

ROOT = Path(__file__).resolve().parent.parent
RECORD_CALL = re.compile(r"\brecord(?:_now)?\(\s*\"([a-z_]+(?:\.[a-z_0-9]+)*)\"", re.MULTILINE)


def test_every_recorded_action_has_a_french_label():
    actions = set()
    for folder in ("saas", "tenants", "blueprints", "workers"):
        for path in (ROOT / folder).rglob("*.py"):
            actions.update(RECORD_CALL.findall(path.read_text(encoding="utf-8")))
    assert len(actions) > 30  # the scan does find the calls
    missing = sorted(actions - set(ACTION_LABELS))
    assert not missing, f"actions without a label in saas.audit.api.ACTION_LABELS: {missing}"
