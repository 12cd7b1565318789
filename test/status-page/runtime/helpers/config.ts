/* eslint-disable no-bitwise */
import { CheckConfig, ProbeResult, StatusPageConfig } from '../../../../src/status-page/runtime/model';

export function tcpChecks(names: string[]): CheckConfig[] {
  return names.map((name) => ({ kind: 'tcp', name, displayName: name.toUpperCase(), host: '127.0.0.1', port: 9, timeoutMs: 1_000 }));
}

export function pageConfig(checks: CheckConfig[], extra: Partial<StatusPageConfig> = {}): StatusPageConfig {
  return {
    title: 'Test page',
    intervalSeconds: 60,
    failureThreshold: 1,
    successThreshold: 1,
    concurrency: 10,
    staleAfterIntervals: 3,
    checksPerShard: 50,
    checks,
    ...extra,
  };
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A fleet of checks with sticky outcomes, like real services: about 92% up, 5% degraded, 3%
 * down, each flipping with probability `flip` per run; latencies vary every run.
 */
export function fleet(count: number, random: () => number, flip = 0.002): () => ProbeResult[] {
  const pick = (): ProbeResult['outcome'] => {
    const x = random();
    return x < 0.03 ? 'down' : x < 0.08 ? 'degraded' : 'up';
  };
  const outcomes = Array.from({ length: count }, pick);
  return () => outcomes.map((outcome, i): ProbeResult => {
    if (random() < flip) outcomes[i] = pick();
    const latencyMs = Math.round(20 + random() * 400);
    if (outcome === 'down') return { outcome, latencyMs, message: 'unexpected status 503 (expected 200)' };
    if (outcome === 'degraded') return { outcome, latencyMs: latencyMs + 1000, message: `slow response: ${latencyMs + 1000} ms (limit 1000 ms)` };
    return { outcome, latencyMs };
  });
}

export const up = (latencyMs = 20): ProbeResult => ({ outcome: 'up', latencyMs });
export const down = (message = 'connection refused by 127.0.0.1:9'): ProbeResult => ({ outcome: 'down', latencyMs: 1, message });
