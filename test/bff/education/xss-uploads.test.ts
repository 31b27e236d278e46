import assert from 'node:assert/strict';
import { call, mpLogin } from '../../support/api';
import { startStack } from '../../support/stack';
import { sanitizeBody } from '../../../bff/src/modules/education/sanitize';
import { chiefToken, published } from './helpers';
import { XSS_PAYLOADS, assertInert } from './xss-payloads';

describe('education: rich text is sanitized when stored; uploads are typed, limited and served with ranges', () => {
  it('neutralizes every payload of the list, and keeps ordinary formatting', () => {
    for (const p of XSS_PAYLOADS) assertInert(sanitizeBody(p), p);
    const kept = sanitizeBody(
      '<h2>饮食</h2><p style="text-align: center; color: #ff0000">少盐</p><ul><li>一</li></ul><img src="/files/6f1c1a52-0000-4000-8000-000000000000.png" alt="图"><a href="https://example.org/a">链接</a>',
    );
    assert.match(kept, /<h2>饮食<\/h2>/);
    assert.match(kept, /text-align:center/);
    assert.match(kept, /<img src="\/files\/6f1c1a52-0000-4000-8000-000000000000\.png" alt="图" \/>/);
    assert.match(kept, /<a href="https:\/\/example.org\/a" target="_blank" rel="noopener noreferrer nofollow">/);
  });

  it('stores and serves only the sanitized body, in the console and to patients', async () => {
    const pub = await published({ body: `<p>正文</p>${XSS_PAYLOADS.join('')}` });
    const chief = await chiefToken();
    const adminView = (await call('GET', `/api/admin/education/contents/${pub.id}`, { token: chief })).body;
    assertInert(adminView.body, 'console view');
    const p = await mpLogin();
    const mpView = (await call('GET', `/api/mp/education/contents/${pub.id}`, { token: p.accessToken })).body;
    assertInert(mpView.body, 'patient view');
    assert.match(mpView.body, /<p>正文<\/p>/);
  });

  it('accepts an image by its bytes, refuses a disguised file and an oversized one', async () => {
    const chief = await chiefToken();
    const { baseUrl } = await startStack();
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const up = (kind: string, body: Buffer, token = chief) =>
      fetch(`${baseUrl}/api/admin/files?kind=${kind}&filename=a.png`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: new Uint8Array(body),
      });
    const ok = await up('image', png);
    assert.equal(ok.status, 201);
    const file = (await ok.json()) as { url: string; mime: string; size: number };
    assert.equal(file.mime, 'image/png');
    assert.match(file.url, /^\/files\/[0-9a-f-]{36}\.png$/);
    const served = await fetch(baseUrl + file.url);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'image/png');
    assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), png);

    const html = await up('image', Buffer.from('<html><script>alert(1)</script></html>'));
    assert.equal(html.status, 415);
    assert.equal(((await html.json()) as any).error.code, 'FILE_TYPE');
    const pngAsVideo = await up('video', png);
    assert.equal(pngAsVideo.status, 415);
    const big = await up('image', Buffer.concat([png, Buffer.alloc(5 * 1024 * 1024)]));
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as any).error.code, 'FILE_TOO_LARGE');
    const doctorToken = (await import('./helpers')).doctorToken;
    const patient = await mpLogin();
    assert.equal((await up('image', png, patient.accessToken)).status, 401);
    assert.equal((await up('image', png, await doctorToken())).status, 201);
    assert.equal((await fetch(`${baseUrl}/files/00000000-0000-4000-8000-000000000000.png`)).status, 404);
    assert.equal((await fetch(`${baseUrl}/files/..%2F..%2Fpackage.json`)).status, 404);
  });

  it('serves a video with range requests so it can seek', async () => {
    const chief = await chiefToken();
    const { baseUrl } = await startStack();
    // An MP4 as file-type knows it: an ftyp box (isom brand) and then media data.
    const ftyp = Buffer.from('00000018667479706973366f6d0000020069736f6d6d703431', 'hex');
    ftyp.write('isom', 8);
    const mp4 = Buffer.concat([ftyp, Buffer.alloc(100_000, 7)]);
    const r = await fetch(`${baseUrl}/api/admin/files?kind=video`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chief}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(mp4),
    });
    assert.equal(r.status, 201, await r.clone().text());
    const v = (await r.json()) as { url: string; mime: string };
    assert.equal(v.mime, 'video/mp4');
    const part = await fetch(baseUrl + v.url, { headers: { range: 'bytes=1000-1999' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 1000-1999/${mp4.length}`);
    assert.equal(part.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), mp4.subarray(1000, 2000));
    const past = await fetch(baseUrl + v.url, { headers: { range: `bytes=${mp4.length + 10}-` } });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), `bytes */${mp4.length}`);
    // The uploaded video can carry a published item.
    const pub = await published({ kind: 'video', body: '', videoUrl: v.url, durationSec: 90 });
    assert.equal(pub.status, 'published');
    assert.equal(pub.videoUrl, v.url);
  });
});
