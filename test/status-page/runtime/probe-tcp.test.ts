import { freePort, startTcpServer } from './helpers/local-servers';
import { TcpCheckConfig } from '../../../src/status-page/runtime/model';
import { probeTcp } from '../../../src/status-page/runtime/probe-tcp';

function check(port: number, extra: Partial<TcpCheckConfig> = {}): TcpCheckConfig {
  return { kind: 'tcp', name: 'db', displayName: 'Database', host: '127.0.0.1', port, timeoutMs: 2_000, ...extra };
}

test('a listening port is up', async () => {
  const server = await startTcpServer();
  try {
    const r = await probeTcp(check(server.port));
    expect(r.outcome).toBe('up');
    expect(r.message).toBeUndefined();
    expect(server.stats.total).toBe(1);
  } finally {
    await server.close();
  }
});

test('a refused connection is down with a message', async () => {
  const port = await freePort();
  const r = await probeTcp(check(port));
  expect(r).toMatchObject({ outcome: 'down', message: `connection refused by 127.0.0.1:${port}` });
});

test('an impossible port is down, not an exception', async () => {
  const r = await probeTcp(check(70_000));
  expect(r.outcome).toBe('down');
  expect(r.message).toMatch(/connection failed/);
});
