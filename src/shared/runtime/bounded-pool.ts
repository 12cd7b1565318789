/**
 * Runs async tasks with at most `concurrency` in flight at once. Results keep the order of the
 * tasks; a task that throws (or rejects) yields `{ ok: false, error }` and never stops the others.
 */

export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export async function runBounded<T>(tasks: ReadonlyArray<() => Promise<T>>, concurrency: number): Promise<Settled<T>[]> {
  const limit = Math.max(1, Math.min(tasks.length, Math.floor(concurrency) || 1));
  const results = new Array<Settled<T>>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      try {
        results[index] = { ok: true, value: await tasks[index]() };
      } catch (error) {
        results[index] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}
