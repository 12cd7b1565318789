"""The task id heartbeats carry: ENGINE_TASK_ID (local runs), else the ECS task ARN's last segment."""
import json
import urllib.request
from collections.abc import Mapping

from .env import optional


def resolve_task_id(env: Mapping[str, str]) -> str | None:
    """None when neither ENGINE_TASK_ID nor ECS_CONTAINER_METADATA_URI_V4 is set."""
    given = optional(env, 'ENGINE_TASK_ID')
    if given:
        return given
    metadata_uri = optional(env, 'ECS_CONTAINER_METADATA_URI_V4')
    if not metadata_uri:
        return None
    with urllib.request.urlopen(f'{metadata_uri}/task', timeout=5) as response:  # noqa: S310 (ECS agent URI)
        task_arn = json.load(response)['TaskARN']
    return task_arn.rsplit('/', 1)[-1]
