import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { AddressInfo } from 'node:net';

// selfsigned ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const selfsigned = require('selfsigned');

export interface LocalServer {
  readonly port: number;
  /** e.g. http://127.0.0.1:1234 */
  readonly origin: string;
  /** Requests (or connections, for TCP) being served right now, and the most seen at once. */
  readonly stats: { inFlight: number; maxInFlight: number; total: number };
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

function track(server: http.Server | https.Server, handler: Handler, stats: LocalServer['stats']): void {
  server.on('request', (req, res) => {
    stats.inFlight++;
    stats.total++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    let done = false;
    const end = () => {
      if (!done) {
        done = true;
        stats.inFlight--;
      }
    };
    res.once('finish', end);
    res.once('close', end);
    void handler(req, res);
  });
}

async function listen(server: net.Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
}

function trackSockets(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return sockets;
}

export async function startHttpServer(handler: Handler): Promise<LocalServer> {
  const stats = { inFlight: 0, maxInFlight: 0, total: 0 };
  const server = http.createServer();
  track(server, handler, stats);
  const sockets = trackSockets(server);
  const port = await listen(server);
  return { port, origin: `http://127.0.0.1:${port}`, stats, close: closer(server, sockets) };
}

export interface TestCertificate {
  readonly key: string;
  readonly cert: string;
}

/**
 * A self-signed certificate (also usable as its own CA) for 127.0.0.1/localhost, or for
 * `hostName` when given (to provoke a host name mismatch).
 */
export function makeCertificate(options: { days: number; hostName?: string }): TestCertificate {
  const altNames = options.hostName
    ? [{ type: 2, value: options.hostName }]
    : [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }];
  const pems = selfsigned.generate([{ name: 'commonName', value: options.hostName ?? 'localhost' }], {
    days: options.days,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

export async function startHttpsServer(certificate: TestCertificate, handler: Handler): Promise<LocalServer> {
  const stats = { inFlight: 0, maxInFlight: 0, total: 0 };
  const server = https.createServer({ key: certificate.key, cert: certificate.cert });
  track(server, handler, stats);
  const sockets = trackSockets(server);
  const port = await listen(server);
  return { port, origin: `https://127.0.0.1:${port}`, stats, close: closer(server, sockets) };
}

/** A TCP server that accepts connections and keeps them open until closed. */
export async function startTcpServer(): Promise<LocalServer> {
  const stats = { inFlight: 0, maxInFlight: 0, total: 0 };
  const server = net.createServer((socket) => {
    stats.total++;
    socket.on('error', () => undefined);
  });
  const sockets = trackSockets(server);
  const port = await listen(server);
  return { port, origin: `tcp://127.0.0.1:${port}`, stats, close: closer(server, sockets) };
}

/** A port nothing listens on: bound once to get a free number, then closed. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
