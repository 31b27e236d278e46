/**
 * Requests too big for the server still get the API's error shape: a header section over Node's limit (answered by
 * the server's clientError handler, before Koa) and an absurdly long URL under it (answered by Koa).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { call } from '../support/api';
import { startStack } from '../support/stack';

/** One raw HTTP/1.1 exchange: what the server wrote before it closed the connection. */
async function raw(request: string): Promise<{ status: number; headers: string; body: string }> {
  const { baseUrl } = await startStack();
  const { hostname, port } = new URL(baseUrl);
  const text = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (got += chunk));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
  });
  const [head, body = ''] = text.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head!)?.[1]), headers: head!, body };
}

describe('oversized requests get the API error shape', () => {
  it('answers a 20 KB header with 431 HEADERS_TOO_LARGE as JSON and keeps serving', async () => {
    const r = await raw(
      `GET /api/mp/departments HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
    );
    assert.equal(r.status, 431);
    assert.match(r.headers, /content-type: application\/json/i);
    assert.deepEqual(JSON.parse(r.body), { error: { code: 'HEADERS_TOO_LARGE', message: '请求头或网址过长' } });
    assert.equal((await call('GET', '/healthz')).status, 200, 'the server goes on serving');
  });

  it('answers a URL longer than the header limit with 431, and an 8–16 KB one with 414 URI_TOO_LONG', async () => {
    const huge = await raw(`GET /api/mp/departments?q=${'x'.repeat(20 * 1024)} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    assert.equal(huge.status, 431);
    assert.equal(JSON.parse(huge.body).error.code, 'HEADERS_TOO_LARGE');
    const long = await call('GET', `/api/mp/departments?q=${'x'.repeat(10 * 1024)}`);
    assert.equal(long.status, 414);
    assert.equal(long.body.error.code, 'URI_TOO_LONG');
    assert.equal(long.body.error.message, '网址过长');
    // An ordinary long-ish query is untouched.
    assert.notEqual((await call('GET', `/api/mp/departments?q=${'x'.repeat(2 * 1024)}`)).status, 414);
  });

  it('answers a request Node cannot parse with 400 MALFORMED_REQUEST as JSON', async () => {
    const r = await raw('GET / HTTP/1.1\r\nHost: localhost\r\nBad Header Line\r\n\r\n');
    assert.equal(r.status, 400);
    assert.deepEqual(JSON.parse(r.body), { error: { code: 'MALFORMED_REQUEST', message: '请求格式有误' } });
    assert.equal((await call('GET', '/healthz')).status, 200);
  });
});
