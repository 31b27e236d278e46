/**
 * The BFF's WeChat Pay client against the spec-faithful gateway, over real HTTP on random ports. No database:
 * these tests stand alone. Notifications travel over HTTP to a tiny receiver that plays the merchant's endpoint.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeWechatPay, type NotifyTamper } from '../../bff/src/simulators/wechatpay-gateway';
import {
  WechatPayClient,
  WechatPayError,
  WechatPayNotifyError,
  generateApiV3Key,
  generateMerchantIdentity,
  type WechatPayClientOptions,
} from '../../bff/src/infra/wechatpay';

const MCHID = '1900000109';
const APPID = 'wx_test_pay_yiyun';
const OPENID = 'o_test_payer_000001';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  verdict: string; // 'ok' or the error code verifyNotification threw
}

/** The merchant's notify endpoint: verifies with the client, answers 204 or 400 {code:'FAIL'}, records everything. */
class Receiver {
  received: Received[] = [];
  /** Answer this many deliveries with 500 before behaving (to exercise WeChat's retries). */
  failNext = 0;
  private server?: http.Server;
  url = '';
  constructor(private client: () => WechatPayClient) {}
  async listen() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let verdict = 'ok';
        try {
          this.client().verifyNotification(req.headers, body);
        } catch (err) {
          verdict = err instanceof WechatPayNotifyError ? err.code : 'THREW';
        }
        this.received.push({ headers: req.headers, body, verdict });
        if (this.failNext > 0) {
          this.failNext--;
          res.writeHead(500, { 'content-type': 'application/json' }).end('{"code":"FAIL","message":"busy"}');
        } else if (verdict === 'ok') res.writeHead(204).end();
        else
          res
            .writeHead(400, { 'content-type': 'application/json' })
            .end(JSON.stringify({ code: 'FAIL', message: verdict }));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/notify/wechatpay`;
  }
  close() {
    return new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}

const merchant = generateMerchantIdentity();
const apiV3Key = generateApiV3Key();
let seq = 0;
const tradeNo = () => `YY${Date.now()}${String(++seq).padStart(4, '0')}`;
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000);
async function waitFor(cond: () => boolean, ms = 5000) {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function expectPayError(p: Promise<unknown>, status: number, code: string) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof WechatPayError, `expected WechatPayError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.equal(err.status, status, err.message);
    return true;
  });
}

describe('WeChat Pay client ↔ spec-faithful gateway', () => {
  let fake: FakeWechatPay;
  let base: string;
  let client: WechatPayClient;
  let receiver: Receiver;
  const options = (over: Partial<WechatPayClientOptions> = {}): WechatPayClientOptions => ({
    mchid: MCHID,
    appid: APPID,
    merchantSerial: merchant.serial,
    merchantPrivateKeyPem: merchant.privateKeyPem,
    apiV3Key,
    apiBase: base,
    platformPublicKeys: fake.platformPublicKeys,
    ...over,
  });
  const order = async (over: Partial<Parameters<WechatPayClient['jsapi']>[0]> = {}) => {
    const p = {
      outTradeNo: tradeNo(),
      description: '医云-心血管内科-挂号费',
      amountFen: 5000,
      openid: OPENID,
      timeExpire: inMinutes(15),
      notifyUrl: receiver.url,
      ...over,
    };
    return { ...p, ...(await client.jsapi(p)) };
  };

  before(async () => {
    fake = new FakeWechatPay({
      mchid: MCHID,
      appid: APPID,
      merchantSerial: merchant.serial,
      merchantPublicKeyPem: merchant.publicKeyPem,
      apiV3Key,
      retryScheduleMs: [],
    });
    base = await fake.listen(0);
    client = new WechatPayClient(options());
    receiver = new Receiver(() => client);
    await receiver.listen();
  });
  after(async () => {
    await fake.close();
    await receiver.close();
  });
  beforeEach(() => {
    receiver.received = [];
    receiver.failNext = 0;
    fake.holdNotifications = false;
    fake.notifyDelayMs = 0;
    fake.refundDelayMs = 0;
    fake.retryScheduleMs = [];
  });

  describe('the platform identity', () => {
    it('is a real X.509 certificate and a WeChat Pay public key for the same key pair', () => {
      const cert = new crypto.X509Certificate(fake.certificatePem);
      assert.equal(cert.serialNumber, fake.certificateSerial);
      assert.match(fake.certificateSerial, /^[0-9A-F]{40}$/);
      assert.ok(cert.verify(cert.publicKey));
      assert.equal(cert.publicKey.export({ type: 'spki', format: 'pem' }), fake.publicKeyPem);
      assert.match(fake.publicKeyId, /^PUB_KEY_ID_0\d+$/);
    });

    it('refuses a misconfigured client (certificate under the wrong serial, bad APIv3 key, no keys)', () => {
      assert.throws(
        () => new WechatPayClient(options({ platformPublicKeys: { ABCDEF: fake.certificatePem } })),
        /serial/,
      );
      assert.throws(() => new WechatPayClient(options({ apiV3Key: 'short' })), /32 bytes/);
      assert.throws(() => new WechatPayClient(options({ platformPublicKeys: {} })), /no platform/);
    });
  });

  describe('JSAPI order, pay params, query, close', () => {
    it('creates a prepay id; the same request again gives the same one; different parameters are refused', async () => {
      const o = await order();
      assert.match(o.prepayId, /^wx\w{20,}$/);
      const again = await client.jsapi({
        outTradeNo: o.outTradeNo,
        description: o.description,
        amountFen: o.amountFen,
        openid: o.openid,
        timeExpire: o.timeExpire,
        notifyUrl: o.notifyUrl,
      });
      assert.equal(again.prepayId, o.prepayId);
      await expectPayError(
        client.jsapi({
          outTradeNo: o.outTradeNo,
          description: o.description,
          amountFen: o.amountFen + 1,
          openid: o.openid,
          timeExpire: o.timeExpire,
          notifyUrl: o.notifyUrl,
        }),
        400,
        'INVALID_REQUEST',
      );
      await expectPayError(order({ outTradeNo: 'bad no!' }), 0, 'CLIENT_ERROR');
      await expectPayError(order({ amountFen: 0 }), 0, 'CLIENT_ERROR');
    });

    it('gives wx.requestPayment params whose paySign verifies with the merchant public key; the pay sheet accepts them', async () => {
      const o = await order();
      const p = client.payParams(o.prepayId);
      assert.equal(p.appId, APPID);
      assert.equal(p.package, `prepay_id=${o.prepayId}`);
      assert.equal(p.signType, 'RSA');
      assert.match(p.timeStamp, /^\d{10}$/);
      const message = `${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`;
      assert.ok(crypto.createVerify('RSA-SHA256').update(message).verify(merchant.publicKeyPem, p.paySign, 'base64'));

      const sheet = await (await fetch(`${base}/__sim/order/${o.prepayId}`)).json();
      assert.deepEqual([sheet.amountFen, sheet.description, sheet.tradeState], [5000, o.description, 'NOTPAY']);
      const forged = await fetch(`${base}/__sim/pay`, {
        method: 'POST',
        body: JSON.stringify({ ...p, paySign: client.payParams('wx_other').paySign }),
      });
      assert.equal(forged.status, 400);
      assert.equal((await forged.json()).code, 'SIGN_ERROR');

      const paid = await fetch(`${base}/__sim/pay`, { method: 'POST', body: JSON.stringify(p) });
      assert.equal(paid.status, 200);
      assert.equal((await paid.json()).tradeState, 'SUCCESS');
      assert.equal(receiver.received.length, 1);
      assert.equal(receiver.received[0].verdict, 'ok');
    });

    it('queries NOTPAY, then SUCCESS with the transaction id and amount; an unknown order is null', async () => {
      const o = await order({ amountFen: 1234 });
      const before = await client.queryOrder(o.outTradeNo);
      assert.equal(before?.trade_state, 'NOTPAY');
      assert.equal(before?.transaction_id, undefined);
      await fake.pay(o.outTradeNo);
      const after = await client.queryOrder(o.outTradeNo);
      assert.equal(after?.trade_state, 'SUCCESS');
      assert.match(after!.transaction_id!, /^4200\d{24}$/);
      assert.deepEqual(
        [after?.amount?.total, after?.amount?.payer_total, after?.mchid, after?.appid, after?.payer?.openid],
        [1234, 1234, MCHID, APPID, OPENID],
      );
      assert.match(after!.success_time!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
      assert.equal(await client.queryOrder(tradeNo()), null);
      await expectPayError(order({ outTradeNo: o.outTradeNo }), 400, 'ORDERPAID');
    });

    it('closes an unpaid order (204 → CLOSED, payment refused after), refuses to close a paid one', async () => {
      const o = await order();
      await client.closeOrder(o.outTradeNo);
      assert.equal((await client.queryOrder(o.outTradeNo))?.trade_state, 'CLOSED');
      await client.closeOrder(o.outTradeNo); // closing twice is harmless
      await expectPayError(order({ outTradeNo: o.outTradeNo }), 400, 'ORDER_CLOSED');
      const sheet = await fetch(`${base}/__sim/pay`, {
        method: 'POST',
        body: JSON.stringify({ prepayId: o.prepayId }),
      });
      assert.equal((await sheet.json()).code, 'ORDER_CLOSED');

      const paid = await order();
      await fake.pay(paid.outTradeNo);
      await expectPayError(client.closeOrder(paid.outTradeNo), 400, 'ORDERPAID');
      await expectPayError(client.closeOrder(tradeNo()), 404, 'ORDER_NOT_EXIST');
    });

    it('reports an order whose time_expire passed as CLOSED', async () => {
      const o = await order();
      fake.expire(o.outTradeNo);
      assert.equal((await client.queryOrder(o.outTradeNo))?.trade_state, 'CLOSED');
    });

    it('surfaces gateway errors as WechatPayError with WeChat’s code', async () => {
      fake.failNext({ pathPrefix: '/v3/pay/transactions/out-trade-no/' });
      await expectPayError(client.queryOrder(tradeNo()), 500, 'SYSTEMERROR');
    });
  });

  describe('refunds', () => {
    it('refunds, completes with a verified REFUND.SUCCESS notification, and is idempotent on out_refund_no', async () => {
      const o = await order({ amountFen: 3000 });
      await fake.pay(o.outTradeNo);
      receiver.received = [];
      const outRefundNo = `RF${o.outTradeNo}`;
      const r = await client.refund({
        outTradeNo: o.outTradeNo,
        outRefundNo,
        totalFen: 3000,
        refundFen: 3000,
        reason: '取消预约',
        notifyUrl: receiver.url,
      });
      assert.equal(r.status, 'PROCESSING');
      assert.deepEqual(
        [r.amount.refund, r.amount.total, r.out_trade_no, r.out_refund_no],
        [3000, 3000, o.outTradeNo, outRefundNo],
      );
      await fake.settled();
      assert.equal(receiver.received.length, 1);
      assert.equal(receiver.received[0].verdict, 'ok');
      const n = client.verifyNotification(receiver.received[0].headers, receiver.received[0].body);
      assert.equal(n.eventType, 'REFUND.SUCCESS');
      assert.deepEqual(
        [n.resource.refund_status, n.resource.out_refund_no, n.resource.amount.refund, n.resource.refund_id],
        ['SUCCESS', outRefundNo, 3000, r.refund_id],
      );

      const q = await client.queryRefund(outRefundNo);
      assert.equal(q?.status, 'SUCCESS');
      assert.equal(q?.refund_id, r.refund_id);
      assert.equal((await client.queryOrder(o.outTradeNo))?.trade_state, 'REFUND');

      const again = await client.refund({
        outTradeNo: o.outTradeNo,
        outRefundNo,
        totalFen: 3000,
        refundFen: 3000,
        reason: '取消预约',
        notifyUrl: receiver.url,
      });
      assert.equal(again.refund_id, r.refund_id);
      assert.equal(fake.notifications({ outRefundNo }).length, 1, 'the repeated request refunds nothing more');
      const retried = await client.refund({ outTradeNo: o.outTradeNo, outRefundNo, totalFen: 3000, refundFen: 3000 }); // a retry without reason/notify_url
      assert.equal(retried.refund_id, r.refund_id);
      await expectPayError(
        client.refund({ outTradeNo: o.outTradeNo, outRefundNo, totalFen: 3000, refundFen: 100 }),
        400,
        'INVALID_REQUEST',
      );
      await expectPayError(
        client.refund({ outTradeNo: o.outTradeNo, outRefundNo: `${outRefundNo}B`, totalFen: 3000, refundFen: 1 }),
        400,
        'INVALID_REQUEST',
      );
    });

    it('checks amounts and order state; an unknown refund is null', async () => {
      const o = await order({ amountFen: 3000 });
      await expectPayError(
        client.refund({ outTradeNo: o.outTradeNo, outRefundNo: `RF${o.outTradeNo}`, totalFen: 3000, refundFen: 3000 }),
        400,
        'INVALID_REQUEST',
      ); // not paid
      await fake.pay(o.outTradeNo);
      await expectPayError(
        client.refund({ outTradeNo: o.outTradeNo, outRefundNo: `RF${o.outTradeNo}`, totalFen: 2999, refundFen: 100 }),
        400,
        'INVALID_REQUEST',
      ); // wrong total
      await client.refund({
        outTradeNo: o.outTradeNo,
        outRefundNo: `RA${o.outTradeNo}`,
        totalFen: 3000,
        refundFen: 2000,
      });
      await expectPayError(
        client.refund({ outTradeNo: o.outTradeNo, outRefundNo: `RB${o.outTradeNo}`, totalFen: 3000, refundFen: 1001 }),
        400,
        'INVALID_REQUEST',
      ); // over refundable
      await client.refund({
        outTradeNo: o.outTradeNo,
        outRefundNo: `RC${o.outTradeNo}`,
        totalFen: 3000,
        refundFen: 1000,
      });
      await expectPayError(
        client.refund({ outTradeNo: tradeNo(), outRefundNo: 'RF-none', totalFen: 3000, refundFen: 1 }),
        404,
        'RESOURCE_NOT_EXISTS',
      );
      await expectPayError(
        client.refund({ outTradeNo: o.outTradeNo, outRefundNo: 'RF-x', totalFen: 100, refundFen: 200 }),
        0,
        'CLIENT_ERROR',
      );
      assert.equal(await client.queryRefund('RF-never-made'), null);
    });

    it('with a manual refund delay, stays PROCESSING until WeChat finishes it', async () => {
      fake.refundDelayMs = 'manual';
      const o = await order();
      await fake.pay(o.outTradeNo);
      const outRefundNo = `RM${o.outTradeNo}`;
      await client.refund({
        outTradeNo: o.outTradeNo,
        outRefundNo,
        totalFen: 5000,
        refundFen: 5000,
        notifyUrl: receiver.url,
      });
      assert.equal((await client.queryRefund(outRefundNo))?.status, 'PROCESSING');
      await fake.completeRefund(outRefundNo, 'ABNORMAL');
      assert.equal((await client.queryRefund(outRefundNo))?.status, 'ABNORMAL');
      assert.equal(fake.notifications({ outRefundNo })[0].eventType, 'REFUND.ABNORMAL');
    });
  });

  describe('request and answer signatures', () => {
    it('the gateway refuses a request signed with another key, a wrong serial or a stale timestamp (401 SIGN_ERROR, unsigned)', async () => {
      const other = generateMerchantIdentity();
      await expectPayError(
        new WechatPayClient(options({ merchantPrivateKeyPem: other.privateKeyPem })).queryOrder(tradeNo()),
        401,
        'SIGN_ERROR',
      );
      await expectPayError(
        new WechatPayClient(options({ merchantSerial: other.serial })).queryOrder(tradeNo()),
        401,
        'SIGN_ERROR',
      );

      const signRaw = (ts: number) => {
        const path = `/v3/pay/transactions/out-trade-no/${tradeNo()}?mchid=${MCHID}`;
        const nonce = crypto.randomBytes(16).toString('hex');
        const sig = crypto
          .createSign('RSA-SHA256')
          .update(`GET\n${path}\n${ts}\n${nonce}\n\n`)
          .sign(merchant.privateKeyPem, 'base64');
        return fetch(base + path, {
          headers: {
            Accept: 'application/json',
            Authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${MCHID}",nonce_str="${nonce}",signature="${sig}",timestamp="${ts}",serial_no="${merchant.serial}"`,
          },
        });
      };
      const fresh = await signRaw(Math.floor(Date.now() / 1000));
      assert.equal(fresh.status, 404, 'a correctly hand-signed request gets through to ORDER_NOT_EXIST');
      assert.ok(fresh.headers.get('wechatpay-signature'));
      const stale = await signRaw(Math.floor(Date.now() / 1000) - 600);
      assert.equal(stale.status, 401);
      assert.equal((await stale.json()).code, 'SIGN_ERROR');
      assert.equal(stale.headers.get('wechatpay-signature'), null);
      const none = await fetch(`${base}/v3/pay/transactions/out-trade-no/${tradeNo()}?mchid=${MCHID}`);
      assert.equal(none.status, 401);
    });

    // wechatpay-node-v3 itself never checks answers; our request layer does, before the library sees them.
    for (const how of ['badSignature', 'unsigned', 'unknownSerial', 'bodyAltered'] as const) {
      it(`refuses a forged answer (${how})`, async () => {
        const o = await order();
        fake.tamperNextResponse(how);
        await expectPayError(client.queryOrder(o.outTradeNo), 0, 'RESPONSE_SIGNATURE_INVALID');
        fake.tamperNextResponse(how);
        await expectPayError(order(), 0, 'RESPONSE_SIGNATURE_INVALID');
        assert.equal(
          (await client.queryOrder(o.outTradeNo))?.trade_state,
          'NOTPAY',
          'the next genuine answer is accepted',
        );
      });
    }

    it('works with only the platform certificate, or only the WeChat Pay public key', async () => {
      const certOnly = new WechatPayClient(
        options({ platformPublicKeys: { [fake.certificateSerial]: fake.certificatePem } }),
      );
      const keyOnly = new WechatPayClient(options({ platformPublicKeys: { [fake.publicKeyId]: fake.publicKeyPem } }));
      const o = await order();
      assert.equal((await certOnly.queryOrder(o.outTradeNo))?.trade_state, 'NOTPAY');
      assert.equal((await keyOnly.queryOrder(o.outTradeNo))?.trade_state, 'NOTPAY');
      await certOnly.closeOrder(o.outTradeNo); // 204: the empty body is signed too
    });
  });

  describe('notifications', () => {
    it('a real TRANSACTION.SUCCESS decrypts to the transaction', async () => {
      const o = await order({ amountFen: 4321, attach: 'booking:42' });
      const { notification } = await fake.pay(o.outTradeNo);
      assert.equal(notification.status, 'delivered');
      assert.equal(receiver.received.length, 1);
      const got = receiver.received[0];
      assert.equal(got.headers['wechatpay-serial'], fake.publicKeyId);
      const envelope = JSON.parse(got.body);
      assert.equal(envelope.resource.algorithm, 'AEAD_AES_256_GCM');
      assert.equal(envelope.resource.original_type, 'transaction');
      assert.equal(envelope.resource_type, 'encrypt-resource');
      const n = client.verifyNotification(got.headers, got.body);
      assert.equal(n.id, notification.id);
      assert.equal(n.eventType, 'TRANSACTION.SUCCESS');
      if (n.eventType !== 'TRANSACTION.SUCCESS') throw new Error('unreachable');
      assert.deepEqual(
        [
          n.resource.out_trade_no,
          n.resource.trade_state,
          n.resource.amount?.total,
          n.resource.mchid,
          n.resource.appid,
          n.resource.attach,
          n.resource.payer?.openid,
        ],
        [o.outTradeNo, 'SUCCESS', 4321, MCHID, APPID, 'booking:42', OPENID],
      );
      // Verification is over the raw bytes: the same JSON re-serialised with other spacing no longer verifies.
      const reformatted = JSON.stringify(JSON.parse(got.body), null, 1);
      assert.throws(
        () => client.verifyNotification(got.headers, reformatted),
        (e: WechatPayNotifyError) => e.code === 'NOTIFY_BAD_SIGNATURE',
      );
    });

    it('verifies notifications signed under the platform certificate too', async () => {
      fake.notifySignWith = 'certificate';
      try {
        const o = await order();
        await fake.pay(o.outTradeNo);
        assert.equal(receiver.received[0].headers['wechatpay-serial'], fake.certificateSerial);
        assert.equal(receiver.received[0].verdict, 'ok');
      } finally {
        fake.notifySignWith = 'publicKey';
      }
    });

    const refusals: [NotifyTamper, string][] = [
      ['badSignature', 'NOTIFY_BAD_SIGNATURE'],
      ['bodyAltered', 'NOTIFY_BAD_SIGNATURE'],
      ['signTest', 'NOTIFY_BAD_SIGNATURE'],
      ['badCiphertext', 'NOTIFY_BAD_CIPHERTEXT'],
      ['badTag', 'NOTIFY_BAD_CIPHERTEXT'],
      ['unknownSerial', 'NOTIFY_UNKNOWN_SERIAL'],
      ['staleTimestamp', 'NOTIFY_STALE'],
      ['wrongMchid', 'NOTIFY_WRONG_MERCHANT'],
    ];
    for (const [tamper, code] of refusals) {
      it(`refuses a ${tamper} notification with ${code}`, async () => {
        const o = await order();
        const { notification } = await fake.pay(o.outTradeNo, { hold: true });
        assert.equal(notification.status, 'held');
        const attempt = await fake.deliver(notification.id, { tamper });
        assert.equal(receiver.received.length, 1);
        assert.equal(receiver.received[0].verdict, code);
        assert.equal(attempt.status, 400, 'the merchant answered FAIL');
        assert.throws(
          () => client.verifyNotification(receiver.received[0].headers, receiver.received[0].body),
          (e: unknown) => e instanceof WechatPayNotifyError && e.code === code,
        );
        assert.equal(
          fake.notifications({ outTradeNo: o.outTradeNo })[0].status,
          'held',
          'a tampered copy changes nothing',
        );
      });
    }

    it('a wrong-amount notification verifies (it is genuine-looking): the amount check is the domain’s', async () => {
      const o = await order({ amountFen: 5000 });
      const { notification } = await fake.pay(o.outTradeNo, { hold: true });
      await fake.deliver(notification.id, { tamper: 'wrongAmount' });
      const n = client.verifyNotification(receiver.received[0].headers, receiver.received[0].body);
      if (n.eventType !== 'TRANSACTION.SUCCESS') throw new Error('unexpected event');
      assert.equal(n.resource.amount?.total, 5001);
    });

    it('refuses missing headers and bodies that are not encrypt-resource notifications', () => {
      assert.throws(
        () => client.verifyNotification({}, '{}'),
        (e: WechatPayNotifyError) => e.code === 'NOTIFY_MALFORMED',
      );
      const { headers, body } = (() => {
        const r = {
          ts: Math.floor(Date.now() / 1000),
          nonce: 'n'.repeat(32),
          body: '{"id":"x","event_type":"TRANSACTION.SUCCESS","resource_type":"plain"}',
        };
        return {
          headers: {
            'Wechatpay-Timestamp': String(r.ts),
            'Wechatpay-Nonce': r.nonce,
            'Wechatpay-Serial': fake.publicKeyId,
            'Wechatpay-Signature': 'AAAA',
          },
          body: r.body,
        };
      })();
      assert.throws(
        () => client.verifyNotification(headers, body),
        (e: WechatPayNotifyError) => e.code === 'NOTIFY_BAD_SIGNATURE',
      );
    });

    it('duplicates, holds, reorders and delays on demand', async () => {
      const a = await order();
      const { notification } = await fake.pay(a.outTradeNo);
      const copies = await fake.duplicate(notification.id, 3);
      assert.deepEqual(
        copies.map((c) => c.status),
        [204, 204, 204],
      );
      assert.equal(receiver.received.length, 4);
      assert.equal(
        new Set(receiver.received.map((r) => JSON.parse(r.body).id)).size,
        1,
        'every copy carries the same notification id',
      );

      receiver.received = [];
      fake.holdNotifications = true;
      const b = await order();
      const c = await order();
      await fake.pay(b.outTradeNo);
      await fake.pay(c.outTradeNo);
      assert.equal(receiver.received.length, 0);
      await fake.releaseHeld({ order: 'reverse', where: (n) => [b.outTradeNo, c.outTradeNo].includes(n.outTradeNo) });
      const seen = receiver.received.map((r) => client.verifyNotification(r.headers, r.body).resource.out_trade_no);
      assert.deepEqual(seen, [c.outTradeNo, b.outTradeNo]);

      receiver.received = [];
      fake.holdNotifications = false;
      fake.notifyDelayMs = 80;
      const d = await order();
      await fake.pay(d.outTradeNo);
      assert.equal(receiver.received.length, 0, 'not before the delay');
      await waitFor(() => receiver.received.length === 1);
      await fake.settled();
    });

    it('retries a notification the merchant did not acknowledge, on the configured schedule', async () => {
      fake.retryScheduleMs = [30, 30];
      receiver.failNext = 2;
      const o = await order();
      const { notification } = await fake.pay(o.outTradeNo);
      await waitFor(() => notification.status === 'delivered');
      assert.deepEqual(
        notification.attempts.map((x) => x.status),
        [500, 500, 204],
      );
      assert.equal(notification.status, 'delivered');

      receiver.failNext = 5;
      const p = await order();
      const second = (await fake.pay(p.outTradeNo)).notification;
      await waitFor(() => second.status === 'failed');
      assert.equal(second.attempts.length, 3);
      assert.equal(second.status, 'failed', 'gives up after the schedule, like WeChat; reconciliation must query');
    });

    it('render() gives the exact request for tests that post it themselves', async () => {
      const o = await order();
      const { notification } = await fake.pay(o.outTradeNo, { hold: true });
      const req = fake.render(notification.id);
      assert.equal(req.url, receiver.url);
      assert.equal(client.verifyNotification(req.headers, req.body).id, notification.id);
    });
  });
});
