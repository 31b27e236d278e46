import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

/** Both simulators serve on a local port (0: any free one) and hand back their base URL. */
export async function listenLocally(app: Koa, port = 0, host = '127.0.0.1') {
  const server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(port, host, r));
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}` };
}

export function closeServer(server: http.Server | undefined) {
  return server ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve();
}
