/**
 * The id heartbeats carry: ENGINE_TASK_ID when set (local runs), else on ECS the last part of the
 * task ARN from the task metadata endpoint, else (a local run without it) host and process id.
 */
import { hostname } from 'node:os';

export async function resolveTaskId(given: string | undefined, env: Record<string, string | undefined> = process.env): Promise<string> {
  if (given) {
    return given;
  }
  const metadataUri = env.ECS_CONTAINER_METADATA_URI_V4;
  if (metadataUri) {
    const answer = await fetch(`${metadataUri}/task`, { signal: AbortSignal.timeout(5_000) });
    if (!answer.ok) {
      throw new Error(`ECS task metadata ${metadataUri}/task answered ${answer.status}`);
    }
    const { TaskARN } = (await answer.json()) as { TaskARN?: string };
    if (!TaskARN) {
      throw new Error(`ECS task metadata ${metadataUri}/task has no TaskARN`);
    }
    return TaskARN.slice(TaskARN.lastIndexOf('/') + 1);
  }
  return `${hostname()}-${process.pid}`;
}
