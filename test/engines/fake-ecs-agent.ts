// A local stand-in for the ECS container agent's task scale-in protection endpoint. There is no
// local ECS agent: on ECS, every container gets ECS_AGENT_URI (http://169.254.170.2/api/<task
// endpoint id>) and the agent calls the ECS UpdateTaskProtection API for that task. This server
// answers PUT <ECS_AGENT_URI>/task-protection/v1/state the way the agent does (200
// {"protection": {...}}; 400 {"error": {...}} for a bad request), keeps each task's protection
// with its expiry, and can instead answer as an agent or ECS in trouble would: 200 {"failure":
// {...}} when ECS refuses the task (the agent passes UpdateTaskProtection's failures on with a
// 200: amazon-ecs-agent's task protection handler), 500 {"error": {...}}, or never.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type AgentBehaviour = 'answer' | 'task-not-valid' | 'fail-500' | 'hang';

export interface ProtectionRequest {
  readonly task: string;
  /** Epoch ms when the request arrived. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly contentType?: string;
  readonly body: any;
  /** Epoch ms when the client gave up on a request this agent never answered. */
  abandonedAt?: number;
}

/** From `at` on, the task is protected until `until` (equal to `at`: not protected). */
interface ProtectionChange { readonly at: number; readonly until: number }

const PATH = /^\/api\/([A-Za-z0-9-]+)\/task-protection\/v1\/state$/;

export class FakeEcsAgent {
  static async start(): Promise<FakeEcsAgent> {
    const agent = new FakeEcsAgent();
    await new Promise<void>((resolve) => agent.server.listen(0, '127.0.0.1', resolve));
    return agent;
  }

  behaviour: AgentBehaviour = 'answer';
  readonly requests: ProtectionRequest[] = [];
  private readonly changes = new Map<string, ProtectionChange[]>();
  private readonly server = http.createServer((req, res) => this.handle(req, res));

  private constructor() {}

  /** The ECS_AGENT_URI of a task. */
  uriFor(task: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/${task}`;
  }

  requestsOf(task: string): ProtectionRequest[] {
    return this.requests.filter((r) => r.task === task);
  }

  /** Whether ECS holds the task protected at `at` (epoch ms), expiry included. */
  isProtected(task: string, at = Date.now()): boolean {
    const last = (this.changes.get(task) ?? []).filter((c) => c.at <= at).pop();
    return last !== undefined && last.until > at;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      const task = PATH.exec(req.url ?? '')?.[1] ?? '';
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      const request: ProtectionRequest = {
        task, at: Date.now(), method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], body,
      };
      this.requests.push(request);
      if (this.behaviour === 'hang') {
        res.on('close', () => (request.abandonedAt = Date.now()));
        return;
      }
      const arn = `arn:aws:ecs:eu-west-1:123456789012:task/local/${task}`;
      if (this.behaviour === 'task-not-valid') {
        return this.answer(res, 200, { failure: { Arn: arn, Detail: null, Reason: 'TASK_NOT_VALID' } });
      }
      if (this.behaviour === 'fail-500') {
        return this.answer(res, 500, { error: { Arn: arn, Code: 'ServerException', Message: 'simulated ECS failure' } });
      }
      const problem = problemWith(task, req.method, body);
      if (problem) {
        return this.answer(res, 400, { error: { Arn: arn, Code: 'InvalidParameterException', Message: `Invalid request: ${problem}` } });
      }
      // ECS's default expiry is 2 hours
      const until = body.ProtectionEnabled ? request.at + (body.ExpiresInMinutes ?? 120) * 60_000 : request.at;
      this.changes.set(task, [...(this.changes.get(task) ?? []), { at: request.at, until }]);
      this.answer(res, 200, {
        protection: {
          ExpirationDate: body.ProtectionEnabled ? new Date(until).toISOString() : null,
          ProtectionEnabled: body.ProtectionEnabled,
          TaskArn: arn,
        },
      });
    });
  }

  private answer(res: http.ServerResponse, status: number, body: object): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

/** What the agent (or ECS behind it) refuses in a request, as a 400. */
function problemWith(task: string, method: string | undefined, body: any): string | undefined {
  if (!task) return 'no task was found';
  if (method !== 'PUT') return 'only PUT is handled here';
  if (typeof body !== 'object' || typeof body?.ProtectionEnabled !== 'boolean') return 'does not contain \'ProtectionEnabled\' field';
  if (Object.keys(body).some((k) => k !== 'ProtectionEnabled' && k !== 'ExpiresInMinutes')) return 'failed to decode request';
  const minutes = body.ExpiresInMinutes;
  if (minutes !== undefined && !(Number.isInteger(minutes) && minutes >= 1 && minutes <= 2880)) {
    return 'ExpiresInMinutes must be an integer from 1 to 2880';
  }
  return undefined;
}
