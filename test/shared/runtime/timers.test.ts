import { sleep, withTimeout } from '../../../src/shared/runtime/timers';

test('withTimeout passes a value or an error through when the work is in time', async () => {
  await expect(withTimeout(sleep(5).then(() => 'done'), 1_000, 'work')).resolves.toBe('done');
  await expect(withTimeout(Promise.reject(new Error('broke')), 1_000, 'work')).rejects.toThrow('broke');
});

test('withTimeout rejects naming the work and the limit when the work hangs', async () => {
  const never = new Promise<never>(() => undefined);
  await expect(withTimeout(never, 20, 'reading the lag')).rejects.toThrow('reading the lag timed out after 20 ms');
});
