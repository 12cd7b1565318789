"""ECS task scale-in protection while the engine has work.

When the lag scaler lowers the service's desired count, ECS stops tasks it picks; a protected task
is not picked, so a task busy with a chunk keeps it and an idle one goes instead.

- A chunk that starts after idleness protects the task; chunks that keep coming keep it protected
  (renewed at most every RENEW_AFTER_S); IDLE_S without a chunk unprotects it.
- Protection always carries ExpiresInMinutes: a task stuck in one chunk (no new chunk, so no
  renewal) loses it after EXPIRES_IN_MINUTES and can be scaled in again.
- The engine never waits for the ECS agent: each request runs in a thread, one at a time, bounded
  by REQUEST_TIMEOUT_S; a failure is logged and retried no sooner than RETRY_AFTER_S. A task not
  yet protected when ECS stops it still finishes the chunk at hand on SIGTERM.
- Without ECS_AGENT_URI (a local run) it does nothing and says so once.

The task role needs ecs:UpdateTaskProtection on its own tasks (the construct grants it to object
engines). Chunks that take longer than EXPIRES_IN_MINUTES - RENEW_AFTER_S: raise EXPIRES_IN_MINUTES.
"""
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from .log import Log

IDLE_S = 5.0
# short: a task that hangs, or whose unprotect request failed, is released in 5 minutes, not in
# ECS's default 2 hours (a protected task also holds up a deployment)
EXPIRES_IN_MINUTES = 5
RENEW_AFTER_S = 60.0
RETRY_AFTER_S = 5.0
REQUEST_TIMEOUT_S = 5.0  # the agent itself calls the ECS UpdateTaskProtection API before it answers


class ScaleInProtection:
    def __init__(self, agent_uri: str | None, log: Log, clock: Callable[[], float] = time.monotonic) -> None:
        self._agent_uri = agent_uri
        self._log = log
        self._clock = clock
        self._wanted = False
        self._last_activity = 0.0
        # what the agent last accepted (a new task is not protected), and when; set by the request thread
        self._confirmed = False
        self._confirmed_at = 0.0
        self._failed_at: float | None = None
        self._request: threading.Thread | None = None
        if agent_uri is None:
            log.info('scale-in protection is off: ECS_AGENT_URI is not set (not on ECS)')

    def working(self) -> None:
        """A chunk starts: protect the task (or renew its protection), without waiting."""
        self._wanted = True
        self._last_activity = self._clock()
        self._sync()

    def done(self) -> None:
        """The chunk is done: IDLE_S from now without another one unprotects the task."""
        self._last_activity = self._clock()

    def tick(self) -> None:
        """Called on every turn of the engine loop: unprotects after IDLE_S without a chunk, retries."""
        if self._wanted and self._clock() - self._last_activity >= IDLE_S:
            self._wanted = False
        self._sync()

    def _sync(self) -> None:
        if self._agent_uri is None or (self._request is not None and self._request.is_alive()):
            return  # the next tick looks again
        now = self._clock()
        needed = (not self._confirmed or now - self._confirmed_at >= RENEW_AFTER_S) if self._wanted else self._confirmed
        if not needed or (self._failed_at is not None and now - self._failed_at < RETRY_AFTER_S):
            return
        # a daemon thread: a request under way never holds up the engine's exit
        self._request = threading.Thread(target=self._put, args=(self._wanted,), name='scale-in-protection', daemon=True)
        self._request.start()

    def _put(self, enabled: bool) -> None:
        body = {'ProtectionEnabled': True, 'ExpiresInMinutes': EXPIRES_IN_MINUTES} if enabled else {'ProtectionEnabled': False}
        request = urllib.request.Request(f'{self._agent_uri}/task-protection/v1/state', data=json.dumps(body).encode('utf-8'),
                                         method='PUT', headers={'Content-Type': 'application/json'})
        try:
            status, text = _send(request)
        except (OSError, ValueError) as error:  # refused, timed out, a bad URI
            self._failed(enabled, repr(error))
            return
        if not (200 <= status < 300 and _has_protection(text)):
            self._failed(enabled, f'the ECS agent answered {status}: {text[:300].decode("utf-8", "replace")}')
            return
        self._confirmed = enabled
        self._confirmed_at = self._clock()
        self._failed_at = None
        if enabled:
            self._log.info('scale-in protection on', expiresInMinutes=EXPIRES_IN_MINUTES)
        else:
            self._log.info('scale-in protection off')

    def _failed(self, enabled: bool, error: str) -> None:
        self._failed_at = self._clock()
        self._log.warning('scale-in protection not updated; the engine goes on', protectionEnabled=enabled, error=error)


def _send(request: urllib.request.Request) -> tuple[int, bytes]:
    """The agent's status and body, 4xx/5xx included."""
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:  # noqa: S310 (the ECS agent's URI)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def _has_protection(text: bytes) -> bool:
    """Whether the agent's answer says ECS took the change: 200 {"protection": {...}}. ECS refusing it
    comes as 200 {"failure": {"Reason": "TASK_NOT_VALID", ...}}; an error of the ECS API (access
    denied, throttled, unreachable) as 4xx/5xx {"error": {...}}."""
    try:
        answer = json.loads(text)
    except ValueError:
        return False
    return isinstance(answer, dict) and isinstance(answer.get('protection'), dict)
