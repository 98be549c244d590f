import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves an emulator on 127.0.0.1 (port 0 = any free port); resolves once the socket is bound. */
export async function listen(app: Hono, port = 0): Promise<RunningServer> {
  const listener = getRequestListener(app.fetch);
  const server: Server = createServer((req, res) => void listener(req, res));
  await new Promise<void>((bound, failed) => {
    server.once('error', failed);
    server.listen(port, '127.0.0.1', () => bound());
  });
  const bound = (server.address() as AddressInfo).port;
  const close = () =>
    new Promise<void>((done, failed) => {
      server.closeAllConnections();
      server.close((err) => (err ? failed(err) : done()));
    });
  return { url: `http://127.0.0.1:${bound}`, port: bound, close };
}

/** Reads `--port <p>` from argv; 0 (any free port) when absent. */
export function portFromArgv(argv: readonly string[]): number {
  const i = argv.indexOf('--port');
  if (i === -1) return 0;
  const raw = argv[i + 1];
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port needs a number from 0 to 65535, got ${raw ?? 'nothing'}`);
  }
  return port;
}
