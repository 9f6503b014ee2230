"""Shared fixtures: the web app on a temporary database, its test client and CLI runner,
synthetic drafts, and the one helper that checks the API's error shape."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

# The tests keep the validated rule library (checklist.rulecache) in a folder of their own,
# not in the user's ~/.cache/checklist; removed when the run ends.
if "CHECKLIST_CACHE_DIR" not in os.environ:
    _CACHE = tempfile.mkdtemp(prefix="checklist-test-cache-")
    os.environ["CHECKLIST_CACHE_DIR"] = _CACHE
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

# A synthetic agreement draft (not a real text): one demand met, several partial or absent.
DRAFT = """Draft Framework Agreement on a Ceasefire

The Parties have agreed as follows:

1. The Parties shall observe a complete ceasefire from the date of signature.
2. The Parties shall release all civilians arbitrarily detained, without conditions.
3. Prisoners of war shall be exchanged on an all-for-all basis.
4. The International Committee of the Red Cross shall have access to all places of detention.
5. Children deported or forcibly transferred shall be returned to their families.
6. An amnesty shall apply to all acts committed during the conflict.
"""

# A second, different synthetic draft.
OTHER_DRAFT = """Memorandum on De-escalation

Article 1
The Sides shall withdraw heavy weapons from the line of contact.

Article 2
Civilians held in detention shall remain in detention until a final settlement.
"""


@pytest.fixture
def draft_text():
    return DRAFT


@pytest.fixture
def other_draft_text():
    return OTHER_DRAFT


@pytest.fixture
def make_app(tmp_path):
    """Build an app on a temporary database; keyword arguments are extra test config."""
    from checklist.web import create_app

    def make(**config):
        return create_app({"TESTING": True, "DATABASE": str(tmp_path / "checklist.sqlite"),
                           "SECRET_KEY": "test-secret", **config})
    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def check_error(response, status: int, message: str, errors=None):
    """Assert the API's one error shape, its status and the exact message."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body == {"ok": False, "error": message, "errors": body["errors"], "status": status}
    if errors is not None:
        assert body["errors"] == errors
    return body


@pytest.fixture
def api_error():
    return check_error
