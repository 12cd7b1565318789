/**
 * TCP connect probe: up when a connection opens within the deadline (degraded when slower than
 * degradedAfterMs), down on refusal, DNS failure or timeout. Never throws.
 */
import * as net from 'node:net';
import { ProbeResult, TcpCheckConfig } from './model';
import { describeNetworkError, elapsedSince } from './probe-errors';

export function probeTcp(check: TcpCheckConfig): Promise<ProbeResult> {
  const target = `${check.host}:${check.port}`;
  const start = performance.now();
  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    let socket: net.Socket | undefined;
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({
      outcome: 'down',
      latencyMs: elapsedSince(start),
      message: `no TCP connection to ${target} within ${check.timeoutMs} ms`,
    }), check.timeoutMs);
    try {
      socket = net.connect({ host: check.host, port: check.port });
      socket.once('connect', () => {
        const latencyMs = elapsedSince(start);
        if (check.degradedAfterMs !== undefined && latencyMs > check.degradedAfterMs) {
          finish({ outcome: 'degraded', latencyMs, message: `slow TCP connect: ${latencyMs} ms (limit ${check.degradedAfterMs} ms)` });
        } else {
          finish({ outcome: 'up', latencyMs });
        }
      });
      socket.once('error', (err) => finish({ outcome: 'down', latencyMs: elapsedSince(start), message: describeNetworkError(err, target) }));
    } catch (err) {
      finish({ outcome: 'down', latencyMs: elapsedSince(start), message: describeNetworkError(err, target) });
    }
  });
}
