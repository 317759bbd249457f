"""Ways through the API that many tests start from."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Account, Api
from tests.api.test_assessments_api import COMPLETE, CREATE, SAVE, _input, _responses
from tests.unit.test_client_stories import STORIES

STORY = STORIES["manufacturer building systems who values stability"][0]


async def completed_assessment(api: Api, owner: Account, **details: Any) -> str:
    """The id of a new assessment of `owner`'s, answered from STORY and completed."""
    created = await api(CREATE, {"input": _input(**details)}, as_=owner)
    assessment_id: str = created["data"]["createAssessment"]["assessment"]["id"]
    items = _responses(STORY.sheet())
    saved = await api(
        SAVE, {"input": {"assessmentId": assessment_id, "responses": items}}, as_=owner
    )
    assert saved["data"]["saveResponses"]["userErrors"] == []
    done = await api(COMPLETE, {"id": assessment_id}, as_=owner)
    assert done["data"]["completeAssessment"]["userErrors"] == []
    return assessment_id
