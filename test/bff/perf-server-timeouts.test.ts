/**
 * Issue 10 — connection settings: idle keep-alive connections are kept 65 s (longer than common load-balancer idle
 * timeouts), and the time allowed for a request's headers exceeds that. Node's default headersTimeout (60 s) is
 * shorter: a request arriving on a connection idle for between 60 and 65 s could be cut off while its headers came in.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { startStack } from '../support/stack';
import { KEEP_ALIVE_TIMEOUT_MS } from '../../bff/src/server';

describe('server: keep-alive and header timeouts', () => {
  it('keeps idle connections 65 s and allows a request longer than that for its headers', async () => {
    const { running } = await startStack();
    const { server } = running;
    assert.equal(server.keepAliveTimeout, 65_000);
    assert.equal(KEEP_ALIVE_TIMEOUT_MS, 65_000);
    assert.ok(
      server.headersTimeout > server.keepAliveTimeout,
      `headersTimeout ${server.headersTimeout} ms must exceed keepAliveTimeout ${server.keepAliveTimeout} ms`,
    );
    assert.ok(server.requestTimeout === 0 || server.requestTimeout >= server.headersTimeout);
  });

  it('answers two requests on one kept-alive connection', async () => {
    const { baseUrl } = await startStack();
    const { hostname, port } = new URL(baseUrl);
    const socket = net.connect(Number(port), hostname);
    try {
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      let received = '';
      const answers = (n: number) =>
        new Promise<void>((resolve, reject) => {
          const check = () => {
            if ((received.match(/HTTP\/1\.1 \d{3}/g) ?? []).length >= n) {
              socket.off('data', onData);
              resolve();
            }
          };
          const onData = (d: Buffer) => {
            received += d.toString();
            check();
          };
          socket.on('data', onData);
          socket.once('close', () => reject(new Error(`connection closed after: ${received.slice(0, 500)}`)));
          check();
        });
      const request = `GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`;
      socket.write(request);
      await answers(1);
      assert.match(received, /keep-alive: timeout=65/i, 'the client is told how long the idle connection stays open');
      socket.write(request);
      await answers(2);
    } finally {
      socket.destroy();
    }
  });
});
