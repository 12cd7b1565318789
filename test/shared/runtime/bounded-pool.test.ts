import { runBounded } from '../../../src/shared/runtime/bounded-pool';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

test('keeps result order, isolates failures and never exceeds the limit', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const gates = Array.from({ length: 10 }, deferred);
  const tasks = gates.map((gate, i) => async () => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await gate.promise;
    inFlight--;
    if (i === 3) throw new Error('task 3 failed');
    return i * 10;
  });
  const running = runBounded(tasks, 3);
  // Release in reverse order so completion order differs from task order.
  for (let i = gates.length - 1; i >= 0; i--) {
    await new Promise((r) => setImmediate(r));
    gates[i].resolve();
  }
  const results = await running;
  expect(maxInFlight).toBe(3);
  expect(results.map((r) => (r.ok ? r.value : 'failed'))).toEqual([0, 10, 20, 'failed', 40, 50, 60, 70, 80, 90]);
  const failed = results[3];
  expect(failed.ok).toBe(false);
  expect(!failed.ok && (failed.error as Error).message).toBe('task 3 failed');
});

test('a synchronous throw is isolated too, and zero tasks is fine', async () => {
  const results = await runBounded([() => { throw new Error('sync'); }, async () => 'fine'], 5);
  expect(results[0].ok).toBe(false);
  expect(results[1]).toEqual({ ok: true, value: 'fine' });
  await expect(runBounded([], 4)).resolves.toEqual([]);
});

test('concurrency below 1 still runs everything one at a time', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const tasks = Array.from({ length: 5 }, (_, i) => async () => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setImmediate(r));
    inFlight--;
    return i;
  });
  const results = await runBounded(tasks, 0);
  expect(maxInFlight).toBe(1);
  expect(results.map((r) => r.ok && r.value)).toEqual([0, 1, 2, 3, 4]);
});
