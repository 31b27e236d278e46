/**
 * A local WeChat Pay API v3 gateway (直连商户, JSAPI) that follows the official protocol for what Yiyun uses:
 *   POST /v3/pay/transactions/jsapi                           下单 → { prepay_id }
 *   GET  /v3/pay/transactions/out-trade-no/{no}?mchid=        查询订单
 *   POST /v3/pay/transactions/out-trade-no/{no}/close         关闭订单 → 204
 *   POST /v3/refund/domestic/refunds                          申请退款
 *   GET  /v3/refund/domestic/refunds/{out_refund_no}          查询单笔退款
 *   POST /v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund   发起异常退款 (an ABNORMAL refund to the
 *        payer's debit card, bank_account/real_name RSAES-OAEP-encrypted to the platform key named by
 *        Wechatpay-Serial; or to the merchant's settlement account)
 * Every request must carry a valid merchant `Authorization: WECHATPAY2-SHA256-RSA2048 …` signature (401 SIGN_ERROR
 * otherwise); every answer past that check is signed with the platform key (Wechatpay-Timestamp/Nonce/Signature/
 * Serial). Payment and refund results are POSTed to notify_url as real notifications: the resource encrypted with
 * AEAD_AES_256_GCM under the APIv3 key, the request signed by the platform key.
 *
 * The platform key is exposed two ways, like WeChat during its certificate → public-key migration: as a WeChat Pay
 * public key (`publicKeyId` PUB_KEY_ID_…, used when the merchant's request sends `Wechatpay-Serial: PUB_KEY_ID_…`)
 * and as a platform certificate (a real, self-signed X.509 certificate built here with node:crypto; serial in
 * `certificateSerial`). Notifications are signed with the one chosen by `notifySignWith`.
 *
 * The simulator's own endpoints stand in for the payer's phone (the h5 pay sheet):
 *   GET /__sim/order/{prepayId}, POST /__sim/pay { prepayId | wx.requestPayment params }, POST /__sim/cancel { prepayId }
 * Tests drive the same through methods: pay(), expire(), completeRefund(), refundOutcome() (the next refund of an
 * order ends CLOSED or ABNORMAL, as WeChat's do when the merchant's balance stays short for 7 days or the payer's
 * card was cancelled), the notification controls (hold, delay, deliver, duplicate, reorder, tamper, render), and
 * for API calls failNext() (WeChat refuses one) and holdNextAnswer() (WeChat is slow to answer one).
 */
import type http from 'node:http';
import { shanghaiDateTime, shanghaiRfc3339 } from '../shared/time';
import { ABNORMAL_REFUND_BANKS } from '../shared/refund-banks';
import { closeServer, listenLocally } from './listen';
import crypto from 'node:crypto';
import Koa from 'koa';
import Router from '@koa/router';

const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';
const CLOCK_TOLERANCE_S = 300;
/** WeChat's documented redelivery schedule after a failed notification (15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h). */
export const WECHAT_RETRY_SCHEDULE_MS = [
  15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
].map((s) => s * 1000);
const OUT_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;

export type TradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND' | 'USERPAYING' | 'REVOKED' | 'PAYERROR';
export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';

/**
 * How a notification is spoiled before it goes out. All but `bodyAltered`, `badSignature` and `signTest` are
 * applied BEFORE signing, so the signature is valid and the layer under test (serial lookup, clock check,
 * decryption, amount check) is the one that must refuse it.
 */
export type NotifyTamper =
  | 'badSignature' // signed by a key that is not the platform's, under the platform's serial (a forgery)
  | 'bodyAltered' // body changed after signing
  | 'signTest' // WeChat's probe: signature prefixed WECHATPAY/SIGNTEST/ (must never verify)
  | 'badCiphertext' // one ciphertext byte flipped (auth tag no longer matches)
  | 'badTag' // one auth-tag byte flipped
  | 'wrongAmount' // validly encrypted and signed, but the amount differs from the order's
  | 'wrongMchid' // validly encrypted and signed, but for another merchant
  | 'unknownSerial' // signed with the platform key but announced under a serial the merchant doesn't know
  | 'staleTimestamp'; // Wechatpay-Timestamp 6 minutes old (signed accordingly)

export interface FakeWechatPayOptions {
  mchid: string;
  appid: string;
  merchantSerial: string;
  merchantPublicKeyPem: string;
  apiV3Key: string;
  /** Which platform identity signs notifications. Default 'publicKey'. */
  notifySignWith?: 'publicKey' | 'certificate';
  /** Refunds go PROCESSING → SUCCESS after this many ms (0 = at once); 'manual' waits for completeRefund(). */
  refundDelayMs?: number | 'manual';
  /** Delay before a notification's first delivery. Default 0. */
  notifyDelayMs?: number;
  /** Hold every notification until deliver()/releaseHeld(). Default false. */
  holdNotifications?: boolean;
  /** Gaps between redeliveries after a failed one; [] disables retries. Default: WeChat's schedule. */
  retryScheduleMs?: number[];
  /** How long the merchant has to answer a notification (WeChat: 5 s). */
  notifyTimeoutMs?: number;
}

interface Order {
  appid: string;
  mchid: string;
  description: string;
  outTradeNo: string;
  notifyUrl: string;
  total: number;
  currency: string;
  openid: string;
  attach?: string;
  timeExpire?: number;
  requestKey: string;
  prepayId: string;
  createdAt: number;
  tradeState: TradeState;
  transactionId?: string;
  successTime?: number;
  payerOpenid?: string;
  refundNos: string[];
}

interface RefundRecord {
  refundId: string;
  outRefundNo: string;
  outTradeNo: string;
  transactionId: string;
  reason?: string;
  notifyUrl?: string;
  total: number;
  refund: number;
  status: RefundStatus;
  createTime: number;
  successTime?: number;
  requestKey: string;
  /** ORIGINAL until an abnormal refund is re-routed (OTHER_BANKCARD). */
  channel: string;
  userReceivedAccount: string;
  /** What apply-abnormal-refund was asked for (once: repeats answer the refund as it is). */
  abnormal?: { type: string; bankType?: string; accountLast4?: string; realName?: string };
}

export interface DeliveryAttempt {
  at: number;
  status: number; // 0 = network error or timeout
  ok: boolean;
  tamper?: NotifyTamper;
  responseBody?: string;
}

export interface FakeNotification {
  id: string;
  eventType: 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED';
  summary: string;
  originalType: 'transaction' | 'refund';
  /** The decrypted resource exactly as WeChat would encrypt it. */
  resource: Record<string, unknown>;
  notifyUrl: string;
  createTime: number;
  outTradeNo: string;
  outRefundNo?: string;
  /** held: waiting for deliver()/releaseHeld(); pending: scheduled; delivered: the merchant answered 2xx; failed: retries exhausted. */
  status: 'held' | 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
}

export interface RenderedNotification {
  url: string;
  headers: Record<string, string>;
  body: string;
}

type ResponseTamper = 'badSignature' | 'unsigned' | 'unknownSerial' | 'bodyAltered';

/** What the gateway answers with ({code, message}); also thrown by pay() and friends when WeChat would refuse. */
export class GatewayError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------- crypto helpers

const nonceStr = (len = 32) => {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = crypto.randomBytes(len);
  return Array.from(bytes, (b) => abc[b % abc.length]).join('');
};
const nowSec = () => Math.floor(Date.now() / 1000);
/** RFC 3339 in Beijing time, the format every WeChat Pay time field uses. */
const rfc3339 = shanghaiRfc3339;
/** WeChat Pay v3 trade bill (bill_type ALL): the record columns and the summary columns, as WeChat writes them. */
const TRADE_BILL_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const TRADE_BILL_SUMMARY_HEADER =
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';
const digits = (n: number) => Array.from(crypto.randomBytes(n), (b) => String(b % 10)).join('');
const beijingDate = (ms = Date.now()) => rfc3339(ms).slice(0, 10).replace(/-/g, '');

function rsaSign(message: string, key: crypto.KeyObject): string {
  return crypto.createSign('RSA-SHA256').update(message).sign(key, 'base64');
}

/** Minimal DER writer: just enough ASN.1 to build a real X.509 v3 certificate with node:crypto. */
const asn1 = {
  len(n: number): Buffer {
    if (n < 0x80) return Buffer.from([n]);
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    return Buffer.from([0x80 | bytes.length, ...bytes]);
  },
  tlv(tag: number, ...parts: Buffer[]): Buffer {
    const body = Buffer.concat(parts);
    return Buffer.concat([Buffer.from([tag]), asn1.len(body.length), body]);
  },
  seq: (...p: Buffer[]) => asn1.tlv(0x30, ...p),
  set: (...p: Buffer[]) => asn1.tlv(0x31, ...p),
  int: (b: Buffer) => asn1.tlv(0x02, b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b),
  oid(dotted: string): Buffer {
    const [a, b, ...rest] = dotted.split('.').map(Number);
    const out = [40 * a + b];
    for (const n of rest) {
      const chunk: number[] = [];
      for (let v = n; ; v = Math.floor(v / 128)) {
        chunk.unshift((v & 0x7f) | (chunk.length ? 0x80 : 0));
        if (v < 128) break;
      }
      out.push(...chunk);
    }
    return asn1.tlv(0x06, Buffer.from(out));
  },
  utf8: (s: string) => asn1.tlv(0x0c, Buffer.from(s, 'utf8')),
  printable: (s: string) => asn1.tlv(0x13, Buffer.from(s, 'ascii')),
  utcTime: (d: Date) => asn1.tlv(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z', 'ascii')),
  nul: () => Buffer.from([0x05, 0x00]),
  bits: (b: Buffer) => asn1.tlv(0x03, Buffer.from([0]), b),
};

function x509Name(o: string, ou: string, cn: string) {
  const rdn = (oid: string, v: Buffer) => asn1.set(asn1.seq(asn1.oid(oid), v));
  return asn1.seq(
    rdn('2.5.4.6', asn1.printable('CN')),
    rdn('2.5.4.10', asn1.utf8(o)),
    rdn('2.5.4.11', asn1.utf8(ou)),
    rdn('2.5.4.3', asn1.utf8(cn)),
  );
}

/** A real self-signed X.509 v3 certificate (sha256WithRSAEncryption) for `publicKey`, valid for five years. */
function makeCertificate(
  publicKey: crypto.KeyObject,
  privateKey: crypto.KeyObject,
  serial: Buffer,
  cn: string,
): string {
  const algo = asn1.seq(asn1.oid('1.2.840.113549.1.1.11'), asn1.nul());
  const issuer = x509Name('Tenpay.com', 'Tenpay.com CA Center', 'Tenpay.com Root CA (SIMULATED)');
  const subject = x509Name('财付通支付科技有限公司', '财付通支付科技有限公司', cn);
  const notBefore = new Date(Date.now() - 24 * 3600_000);
  const notAfter = new Date(Date.now() + 5 * 365 * 24 * 3600_000);
  const tbs = asn1.seq(
    asn1.tlv(0xa0, asn1.int(Buffer.from([2]))),
    asn1.int(serial),
    algo,
    issuer,
    asn1.seq(asn1.utcTime(notBefore), asn1.utcTime(notAfter)),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = crypto.sign('sha256', tbs, privateKey);
  const der = asn1.seq(tbs, algo, asn1.bits(signature));
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

function parseAuthorization(header: string | undefined): Record<string, string> | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space) !== AUTH_SCHEME) return undefined;
  const params: Record<string, string> = {};
  for (const m of header.slice(space + 1).matchAll(/(\w+)="([^"]*)"/g)) params[m[1]] = m[2];
  return params;
}

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, val) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : val,
  );

// --------------------------------------------------------------------------------------------------- the fake

export class FakeWechatPay {
  readonly mchid: string;
  readonly appid: string;
  /** WeChat Pay public key mode: Wechatpay-Serial is this id. */
  readonly publicKeyId: string;
  readonly publicKeyPem: string;
  /** Platform certificate mode: Wechatpay-Serial is this certificate serial (40 hex digits). */
  readonly certificateSerial: string;
  readonly certificatePem: string;
  notifySignWith: 'publicKey' | 'certificate';
  refundDelayMs: number | 'manual';
  notifyDelayMs: number;
  holdNotifications: boolean;
  retryScheduleMs: number[];
  notifyTimeoutMs: number;
  /** Counters the tests read. */
  readonly stats = { requests: 0, signErrors: 0, notificationsSent: 0, cancelledSheets: 0 };

  private merchantSerial: string;
  private merchantKey: crypto.KeyObject;
  private apiV3Key: Buffer;
  private platformPrivate: crypto.KeyObject;
  private orders = new Map<string, Order>();
  private byPrepay = new Map<string, string>();
  private refunds = new Map<string, RefundRecord>();
  /** out_trade_no → how its next refund ends instead of SUCCESS (one-shot). */
  private refundOutcomes = new Map<string, 'CLOSED' | 'ABNORMAL'>();
  private notices = new Map<string, FakeNotification>();
  private bills = new Map<string, string>();
  private timers = new Set<NodeJS.Timeout>();
  /** Settles a timer's promise when close() clears it, so settled() never waits on work that won't run. */
  private cancelTimer = new Map<NodeJS.Timeout, () => void>();
  private inflight = new Set<Promise<unknown>>();
  private nextResponseTamper?: ResponseTamper;
  private injected: { method?: string; pathPrefix?: string; status: number; code: string; message: string }[] = [];
  private holds: { method?: string; pathPrefix?: string; arrived: () => void; answer: Promise<void> }[] = [];
  private releases = new Set<() => void>();
  private server?: http.Server;

  constructor(opts: FakeWechatPayOptions) {
    this.mchid = opts.mchid;
    this.appid = opts.appid;
    this.merchantSerial = opts.merchantSerial.toUpperCase();
    this.merchantKey = crypto.createPublicKey(opts.merchantPublicKeyPem);
    this.apiV3Key = Buffer.from(opts.apiV3Key, 'utf8');
    if (this.apiV3Key.length !== 32) throw new Error('APIv3 key must be 32 bytes');
    this.notifySignWith = opts.notifySignWith ?? 'publicKey';
    this.refundDelayMs = opts.refundDelayMs ?? 0;
    this.notifyDelayMs = opts.notifyDelayMs ?? 0;
    this.holdNotifications = opts.holdNotifications ?? false;
    this.retryScheduleMs = opts.retryScheduleMs ?? WECHAT_RETRY_SCHEDULE_MS;
    this.notifyTimeoutMs = opts.notifyTimeoutMs ?? 5000;

    const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.platformPrivate = privateKey;
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    this.publicKeyId = `PUB_KEY_ID_0${opts.mchid.replace(/\D/g, '').padStart(10, '1').slice(0, 10)}${beijingDate()}${digits(10)}`;
    const serial = crypto.randomBytes(20);
    serial[0] &= 0x7f;
    serial[0] |= 0x10;
    this.certificateSerial = serial.toString('hex').toUpperCase();
    this.certificatePem = makeCertificate(publicKey, privateKey, serial, `${opts.mchid} 平台证书`);
  }

  /** What a merchant configures to verify this gateway: both identities, keyed by serial / key id. */
  get platformPublicKeys(): Record<string, string> {
    return { [this.publicKeyId]: this.publicKeyPem, [this.certificateSerial]: this.certificatePem };
  }

  // ------------------------------------------------------------------------------------------- test controls

  order(outTradeNo: string) {
    const o = this.orders.get(outTradeNo);
    return o && this.expireIfDue(o) && { ...o };
  }
  refund(outRefundNo: string) {
    const r = this.refunds.get(outRefundNo);
    return r && { ...r };
  }
  /** Every notification so far (newest last), optionally for one order or refund. */
  notifications(filter: { outTradeNo?: string; outRefundNo?: string; eventType?: string } = {}): FakeNotification[] {
    return [...this.notices.values()].filter(
      (n) =>
        (!filter.outTradeNo || n.outTradeNo === filter.outTradeNo) &&
        (!filter.outRefundNo || n.outRefundNo === filter.outRefundNo) &&
        (!filter.eventType || n.eventType === filter.eventType),
    );
  }
  /** The next response from the API is signed wrongly (or not at all), to test the client's response check. */
  tamperNextResponse(how: ResponseTamper) {
    this.nextResponseTamper = how;
  }
  /** The next matching API call fails the way WeChat sometimes does (e.g. 500 SYSTEMERROR), after auth. */
  failNext(err: { method?: string; pathPrefix?: string; status?: number; code?: string; message?: string } = {}) {
    this.injected.push({
      method: err.method,
      pathPrefix: err.pathPrefix,
      status: err.status ?? 500,
      code: err.code ?? 'SYSTEMERROR',
      message: err.message ?? '系统错误',
    });
  }

  /**
   * WeChat is slow over the next matching API call: the request is received and its signature checked, but it is
   * handled (and answered, from the state WeChat is in by then) only on `release()`; the merchant's client waits
   * meanwhile, as it would on a slow network. `arrived` resolves once the request is in — the moment a test acts
   * while the merchant waits for the answer.
   */
  holdNextAnswer(match: { method?: string; pathPrefix?: string } = {}) {
    let arrived!: () => void;
    let answered!: () => void;
    const came = new Promise<void>((r) => (arrived = r));
    const answer = new Promise<void>((r) => (answered = r));
    const release = () => {
      this.releases.delete(release);
      answered();
    };
    this.releases.add(release);
    this.holds.push({ ...match, arrived, answer });
    return { arrived: came, release };
  }

  /**
   * The payer confirms payment: the order becomes SUCCESS and TRANSACTION.SUCCESS is sent to its notify_url
   * (unless held/delayed). Resolves after the first delivery attempt when that happens at once.
   */
  async pay(
    outTradeNo: string,
    opts: { openid?: string; hold?: boolean; tamper?: NotifyTamper } = {},
  ): Promise<{ transaction: Record<string, unknown>; notification: FakeNotification }> {
    const o = this.orders.get(outTradeNo);
    if (!o) throw new GatewayError(404, 'ORDER_NOT_EXIST', '订单不存在');
    this.expireIfDue(o);
    if (o.tradeState === 'CLOSED') throw new GatewayError(400, 'ORDER_CLOSED', '订单已关闭');
    if (o.tradeState !== 'NOTPAY') throw new GatewayError(400, 'ORDERPAID', '订单已支付');
    o.tradeState = 'SUCCESS';
    o.successTime = Date.now();
    o.transactionId = `4200${digits(6)}${beijingDate()}${digits(10)}`;
    o.payerOpenid = opts.openid ?? o.openid;
    const notice = this.enqueue({
      eventType: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      originalType: 'transaction',
      resource: this.transactionView(o),
      notifyUrl: o.notifyUrl,
      outTradeNo,
    });
    await this.dispatch(notice, { hold: opts.hold, tamper: opts.tamper });
    return { transaction: this.transactionView(o), notification: notice };
  }

  /**
   * Moves an order's payment (and its refunds) `ms` into the past, as if it had happened then: lets a test ask for
   * yesterday's trade bill without waiting for a day to pass. Test control, like expire().
   */
  shiftTimes(outTradeNo: string, ms: number) {
    const o = this.orders.get(outTradeNo);
    if (!o) throw new Error(`no order ${outTradeNo}`);
    o.createdAt -= ms;
    if (o.successTime !== undefined) o.successTime -= ms;
    for (const no of o.refundNos) {
      const r = this.refunds.get(no)!;
      r.createTime -= ms;
      if (r.successTime !== undefined) r.successTime -= ms;
    }
  }

  /**
   * The trade bill of a Beijing day (bill_type ALL) as WeChat's file reads: payments that succeeded that day and
   * refunds that succeeded that day, each field prefixed with a backquote, then the summary. null: no trade that day.
   */
  tradeBillText(billDate: string): string | null {
    const day = (ms: number) => rfc3339(ms).slice(0, 10);
    const at = shanghaiDateTime;
    const yuan = (fen: number) => (fen / 100).toFixed(2);
    const lines: { ms: number; cells: string[] }[] = [];
    const row = (o: Order, ms: number, state: string, r?: RefundRecord) => ({
      ms,
      cells: [
        at(ms),
        o.appid,
        o.mchid,
        '0',
        '',
        o.transactionId ?? '',
        o.outTradeNo,
        o.payerOpenid ?? o.openid,
        'JSAPI',
        state,
        'OTHERS',
        'CNY',
        r ? '0.00' : yuan(o.total),
        '0.00',
        r?.refundId ?? '0',
        r?.outRefundNo ?? '0',
        r ? yuan(r.refund) : '0.00',
        '0.00',
        r ? 'ORIGINAL' : '',
        r ? r.status : '',
        o.description.replace(/,/g, '，'),
        (o.attach ?? '').replace(/,/g, '，'),
        '0.00',
        '0.60%',
        yuan(o.total),
        r ? yuan(r.refund) : '0.00',
        '',
      ],
    });
    for (const o of this.orders.values()) {
      if (o.successTime !== undefined && day(o.successTime) === billDate) lines.push(row(o, o.successTime, 'SUCCESS'));
      for (const no of o.refundNos) {
        const r = this.refunds.get(no)!;
        if (r.status === 'SUCCESS' && r.successTime !== undefined && day(r.successTime) === billDate)
          lines.push(row(o, r.successTime, 'REFUND', r));
      }
    }
    if (!lines.length) return null;
    lines.sort((a, b) => a.ms - b.ms);
    const paid = lines.filter((l) => l.cells[9] === 'SUCCESS').reduce((n, l) => n + Number(l.cells[12]) * 100, 0);
    const refunded = lines.filter((l) => l.cells[9] === 'REFUND').reduce((n, l) => n + Number(l.cells[16]) * 100, 0);
    const total = lines.reduce((n, l) => n + (l.cells[9] === 'SUCCESS' ? Number(l.cells[24]) * 100 : 0), 0);
    return (
      [
        TRADE_BILL_HEADER,
        ...lines.map((l) => l.cells.map((c) => '`' + c).join(',')),
        TRADE_BILL_SUMMARY_HEADER,
        [
          '' + lines.length,
          yuan(Math.round(paid)),
          yuan(Math.round(refunded)),
          '0.00',
          '0.00',
          yuan(Math.round(total)),
          yuan(Math.round(refunded)),
        ]
          .map((c) => '`' + c)
          .join(','),
      ].join('\r\n') + '\r\n'
    );
  }

  /** Makes an unpaid order's time_expire pass now: WeChat then reports it CLOSED. */
  expire(outTradeNo: string) {
    const o = this.orders.get(outTradeNo);
    if (!o) throw new Error(`no order ${outTradeNo}`);
    o.timeExpire = Date.now() - 1;
    this.expireIfDue(o);
  }

  /**
   * The next refund of this order ends `status` instead of SUCCESS, after refundDelayMs (CLOSED: WeChat closes a
   * refund left PROCESSING for 7 days for want of balance; ABNORMAL: the payer's card was cancelled or frozen, the
   * money waits in WeChat's refund account for 发起异常退款).
   */
  refundOutcome(outTradeNo: string, status: 'CLOSED' | 'ABNORMAL') {
    this.refundOutcomes.set(outTradeNo, status);
  }

  /** Finishes a PROCESSING refund (used with refundDelayMs: 'manual', or to force ABNORMAL/CLOSED). */
  async completeRefund(
    outRefundNo: string,
    status: Exclude<RefundStatus, 'PROCESSING'> = 'SUCCESS',
    opts: { hold?: boolean; tamper?: NotifyTamper } = {},
  ) {
    const r = this.refunds.get(outRefundNo);
    if (!r) throw new Error(`no refund ${outRefundNo}`);
    if (r.status !== 'PROCESSING') return undefined;
    r.status = status;
    if (status === 'SUCCESS') r.successTime = Date.now();
    // the original card refused it; a re-routed refund (发起异常退款) keeps naming the account it was sent to
    if (status === 'ABNORMAL' && !r.abnormal) r.userReceivedAccount = '支付用户银行卡（已注销或冻结）';
    if (!r.notifyUrl) return undefined;
    const notice = this.enqueue({
      eventType: `REFUND.${status}`,
      summary: { SUCCESS: '退款成功', ABNORMAL: '退款异常', CLOSED: '退款关闭' }[status],
      originalType: 'refund',
      resource: this.refundNotifyView(r),
      notifyUrl: r.notifyUrl,
      outTradeNo: r.outTradeNo,
      outRefundNo,
    });
    await this.dispatch(notice, opts);
    return notice;
  }

  /**
   * Sends one copy of a notification now (held or not, delivered before or not), optionally tampered, to its
   * notify_url or `to`. A 2xx answer marks it delivered (tampered copies never change its status).
   */
  deliver(id: string, opts: { tamper?: NotifyTamper; to?: string } = {}): Promise<DeliveryAttempt> {
    const n = this.notices.get(id);
    if (!n) throw new Error(`no notification ${id}`);
    return this.track(this.attempt(n, opts.tamper, opts.to));
  }
  /** Sends `copies` identical copies at the same time (a concurrent duplicate). */
  duplicate(id: string, copies = 2): Promise<DeliveryAttempt[]> {
    return Promise.all(Array.from({ length: copies }, () => this.deliver(id)));
  }
  /** Delivers every held notification (or those `where` picks), oldest first or reversed (out of order), one after another or all at once. */
  async releaseHeld(
    opts: { order?: 'fifo' | 'reverse'; concurrent?: boolean; where?: (n: FakeNotification) => boolean } = {},
  ): Promise<DeliveryAttempt[]> {
    const held = [...this.notices.values()].filter((n) => n.status === 'held' && (!opts.where || opts.where(n)));
    if (opts.order === 'reverse') held.reverse();
    for (const n of held) n.status = 'pending';
    if (opts.concurrent) return Promise.all(held.map((n) => this.deliver(n.id)));
    const out: DeliveryAttempt[] = [];
    for (const n of held) out.push(await this.deliver(n.id));
    return out;
  }
  /** The exact HTTP request a delivery would make (fresh timestamp, nonce, encryption, signature), not sent. */
  render(id: string, tamper?: NotifyTamper): RenderedNotification {
    const n = this.notices.get(id);
    if (!n) throw new Error(`no notification ${id}`);
    return this.renderNotice(n, tamper);
  }
  /**
   * Resolves when every delivery under way has finished, including the ones an operation scheduled (a
   * refund's REFUND.SUCCESS, a delayed first notification) and any that fire meanwhile.
   */
  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  // ------------------------------------------------------------------------------------------ notifications

  private enqueue(n: Omit<FakeNotification, 'id' | 'createTime' | 'status' | 'attempts'>): FakeNotification {
    const notice: FakeNotification = {
      ...n,
      id: crypto.randomUUID(),
      createTime: Date.now(),
      status: 'pending',
      attempts: [],
    };
    this.notices.set(notice.id, notice);
    return notice;
  }

  private async dispatch(n: FakeNotification, opts: { hold?: boolean; tamper?: NotifyTamper }) {
    if (opts.hold ?? this.holdNotifications) {
      n.status = 'held';
      return;
    }
    if (this.notifyDelayMs > 0) {
      this.later(this.notifyDelayMs, () => this.attempt(n, opts.tamper).then(() => undefined), {
        partOfOperation: true,
      });
      return;
    }
    await this.track(this.attempt(n, opts.tamper));
  }

  /**
   * Runs fn after ms. Work that finishes an operation already under way (a refund completing, a delayed
   * first delivery) counts for settled() from the moment it is scheduled; WeChat's redeliveries after a
   * failure (minutes apart) do not.
   */
  private later(ms: number, fn: () => Promise<void>, opts: { partOfOperation?: boolean } = {}) {
    let finished!: () => void;
    const scheduled = new Promise<void>((r) => (finished = r));
    if (opts.partOfOperation) this.track(scheduled);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.cancelTimer.delete(t);
      void this.track(fn()).finally(finished);
    }, ms);
    t.unref();
    this.timers.add(t);
    this.cancelTimer.set(t, finished);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  private async attempt(n: FakeNotification, tamper?: NotifyTamper, to?: string): Promise<DeliveryAttempt> {
    const req = this.renderNotice(n, tamper);
    const attempt: DeliveryAttempt = { at: Date.now(), status: 0, ok: false, tamper };
    try {
      const res = await fetch(to ?? req.url, {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        signal: AbortSignal.timeout(this.notifyTimeoutMs),
      });
      attempt.status = res.status;
      attempt.responseBody = await res.text();
      attempt.ok = res.status >= 200 && res.status < 300;
    } catch {
      attempt.ok = false;
    }
    this.stats.notificationsSent++;
    n.attempts.push(attempt);
    if (tamper || to) return attempt;
    if (attempt.ok) n.status = 'delivered';
    else if (n.status !== 'delivered') {
      // WeChat retries a notification the merchant did not acknowledge, on its fixed schedule.
      const failures = n.attempts.filter((a) => !a.ok && !a.tamper).length;
      const gap = this.retryScheduleMs[failures - 1];
      if (gap === undefined) n.status = 'failed';
      else {
        n.status = 'pending';
        this.later(gap, async () => {
          if (n.status === 'pending') await this.attempt(n);
        });
      }
    }
    return attempt;
  }

  private renderNotice(n: FakeNotification, tamper?: NotifyTamper): RenderedNotification {
    let resource: Record<string, unknown> = n.resource;
    if (tamper === 'wrongAmount') {
      const amount = { ...(resource.amount as Record<string, number>) };
      if (n.originalType === 'transaction') {
        amount.total += 1;
        amount.payer_total += 1;
      } else {
        amount.refund += 1;
        amount.payer_refund += 1;
      }
      resource = { ...resource, amount };
    }
    if (tamper === 'wrongMchid')
      resource = { ...resource, mchid: this.mchid === '1900000001' ? '1900000002' : '1900000001' };
    const nonce = nonceStr(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.apiV3Key, Buffer.from(nonce, 'utf8'));
    cipher.setAAD(Buffer.from(n.originalType, 'utf8'));
    const enc = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    if (tamper === 'badCiphertext') enc[0] ^= 0x01;
    if (tamper === 'badTag') tag[tag.length - 1] ^= 0x01;
    const body = JSON.stringify({
      id: n.id,
      create_time: rfc3339(n.createTime),
      resource_type: 'encrypt-resource',
      event_type: n.eventType,
      summary: n.summary,
      resource: {
        original_type: n.originalType,
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: Buffer.concat([enc, tag]).toString('base64'),
        associated_data: n.originalType,
        nonce,
      },
    });
    const serial =
      tamper === 'unknownSerial'
        ? crypto.randomBytes(20).toString('hex').toUpperCase()
        : this.notifySignWith === 'publicKey'
          ? this.publicKeyId
          : this.certificateSerial;
    const headers = this.signedHeaders(body, serial, tamper === 'staleTimestamp' ? nowSec() - 360 : nowSec(), tamper);
    headers['Content-Type'] = 'application/json';
    headers['User-Agent'] = 'Mozilla/4.0';
    return {
      url: n.notifyUrl,
      headers,
      body: tamper === 'bodyAltered' ? body.replace('"summary":"', '"summary":"!') : body,
    };
  }

  private signedHeaders(
    body: string,
    serial: string,
    timestamp: number,
    tamper?: NotifyTamper | ResponseTamper,
  ): Record<string, string> {
    const nonce = nonceStr(32);
    const message = `${timestamp}\n${nonce}\n${body}\n`;
    let signature: string;
    if (tamper === 'badSignature')
      signature = rsaSign(message, crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    else if (tamper === 'signTest') signature = `WECHATPAY/SIGNTEST/${rsaSign(message, this.platformPrivate)}`;
    else signature = rsaSign(message, this.platformPrivate);
    return {
      'Wechatpay-Timestamp': String(timestamp),
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signature,
      'Wechatpay-Serial': serial,
      'Wechatpay-Signature-Type': AUTH_SCHEME,
    };
  }

  // ------------------------------------------------------------------------------------------- resources

  private expireIfDue(o: Order): Order {
    if (o.tradeState === 'NOTPAY' && o.timeExpire !== undefined && Date.now() >= o.timeExpire) o.tradeState = 'CLOSED';
    return o;
  }

  private transactionView(o: Order): Record<string, unknown> {
    const desc: Record<TradeState, string> = {
      NOTPAY: '订单未支付',
      SUCCESS: '支付成功',
      CLOSED: '订单已关闭',
      REFUND: '订单发生过退款',
      USERPAYING: '用户支付中',
      REVOKED: '已撤销',
      PAYERROR: '支付失败',
    };
    const paid = o.successTime !== undefined;
    return {
      appid: o.appid,
      mchid: o.mchid,
      out_trade_no: o.outTradeNo,
      ...(paid ? { transaction_id: o.transactionId } : {}),
      trade_type: 'JSAPI',
      trade_state: o.tradeState,
      trade_state_desc: desc[o.tradeState],
      ...(paid ? { bank_type: 'OTHERS', success_time: rfc3339(o.successTime!) } : {}),
      ...(o.attach !== undefined && paid ? { attach: o.attach } : {}),
      payer: { openid: o.payerOpenid ?? o.openid },
      amount: paid
        ? { total: o.total, payer_total: o.total, currency: o.currency, payer_currency: o.currency }
        : { total: o.total, currency: o.currency, payer_currency: o.currency },
      promotion_detail: [],
    };
  }

  private refundView(r: RefundRecord): Record<string, unknown> {
    return {
      refund_id: r.refundId,
      out_refund_no: r.outRefundNo,
      transaction_id: r.transactionId,
      out_trade_no: r.outTradeNo,
      channel: r.channel,
      user_received_account: r.userReceivedAccount,
      ...(r.successTime ? { success_time: rfc3339(r.successTime) } : {}),
      create_time: rfc3339(r.createTime),
      status: r.status,
      funds_account: 'AVAILABLE',
      amount: {
        total: r.total,
        refund: r.refund,
        from: [],
        payer_total: r.total,
        payer_refund: r.refund,
        settlement_refund: r.refund,
        settlement_total: r.total,
        discount_refund: 0,
        currency: 'CNY',
        refund_fee: 0,
      },
      promotion_detail: [],
    };
  }

  private refundNotifyView(r: RefundRecord): Record<string, unknown> {
    return {
      mchid: this.mchid,
      out_trade_no: r.outTradeNo,
      transaction_id: r.transactionId,
      out_refund_no: r.outRefundNo,
      refund_id: r.refundId,
      refund_status: r.status,
      ...(r.successTime ? { success_time: rfc3339(r.successTime) } : {}),
      user_received_account: r.userReceivedAccount,
      amount: { total: r.total, refund: r.refund, payer_total: r.total, payer_refund: r.refund },
    };
  }

  // -------------------------------------------------------------------------------------------- the API

  private createJsapi(b: Record<string, any>, authMchid: string) {
    const bad = (m: string) => new GatewayError(400, 'PARAM_ERROR', m);
    if (typeof b.appid !== 'string' || !b.appid)
      throw bad('输入源“/body/appid”映射到值字段“公众账号ID”字符串规则校验失败，字节数 0，小于最小值 1');
    if (b.mchid !== authMchid) throw bad('请求头与请求体中的商户号不一致');
    if (b.appid !== this.appid) throw new GatewayError(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
    if (typeof b.description !== 'string' || !b.description || Buffer.byteLength(b.description) > 127)
      throw bad('description 必填且不超过127字节');
    if (typeof b.out_trade_no !== 'string' || !OUT_NO.test(b.out_trade_no))
      throw bad('out_trade_no 须为6-32位数字、大小写字母_-|*');
    if (typeof b.notify_url !== 'string' || !/^https?:\/\/[^?#]+$/.test(b.notify_url))
      throw bad('notify_url 须为不带参数的 http(s) 地址');
    const amount = b.amount ?? {};
    if (!Number.isInteger(amount.total) || amount.total < 1) throw bad('amount.total 须为正整数（分）');
    if (amount.currency !== undefined && amount.currency !== 'CNY') throw bad('amount.currency 仅支持 CNY');
    if (typeof b.payer?.openid !== 'string' || !b.payer.openid) throw bad('payer.openid 必填');
    let timeExpire: number | undefined;
    if (b.time_expire !== undefined) {
      if (
        typeof b.time_expire !== 'string' ||
        !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$/.test(b.time_expire)
      )
        throw bad('time_expire 须为 rfc3339 格式');
      timeExpire = Date.parse(b.time_expire);
    }
    const requestKey = canonical({ ...b, amount: { currency: 'CNY', ...amount } });
    const existing = this.orders.get(b.out_trade_no);
    if (existing) {
      this.expireIfDue(existing);
      if (existing.tradeState === 'SUCCESS' || existing.tradeState === 'REFUND')
        throw new GatewayError(400, 'ORDERPAID', '该订单已支付');
      if (existing.tradeState === 'CLOSED') throw new GatewayError(400, 'ORDER_CLOSED', '订单已关闭');
      if (existing.requestKey !== requestKey) throw new GatewayError(400, 'INVALID_REQUEST', '201 商户订单号重复');
      return { prepay_id: existing.prepayId };
    }
    if (timeExpire !== undefined && timeExpire <= Date.now()) throw bad('time_expire 不能早于当前时间');
    const prepayId = `wx${rfc3339(Date.now()).replace(/\D/g, '').slice(6, 14)}${crypto.randomBytes(13).toString('hex')}`;
    this.orders.set(b.out_trade_no, {
      appid: b.appid,
      mchid: b.mchid,
      description: b.description,
      outTradeNo: b.out_trade_no,
      notifyUrl: b.notify_url,
      total: amount.total,
      currency: 'CNY',
      openid: b.payer.openid,
      attach: b.attach,
      timeExpire,
      requestKey,
      prepayId,
      createdAt: Date.now(),
      tradeState: 'NOTPAY',
      refundNos: [],
    });
    this.byPrepay.set(prepayId, b.out_trade_no);
    return { prepay_id: prepayId };
  }

  private createRefund(b: Record<string, any>) {
    const bad = (m: string) => new GatewayError(400, 'PARAM_ERROR', m);
    if (typeof b.out_refund_no !== 'string' || !OUT_REFUND_NO.test(b.out_refund_no))
      throw bad('out_refund_no 须为1-64位数字、大小写字母_-|*@');
    const amount = b.amount ?? {};
    if (!Number.isInteger(amount.refund) || amount.refund < 1) throw bad('amount.refund 须为正整数（分）');
    if (!Number.isInteger(amount.total) || amount.total < 1) throw bad('amount.total 须为正整数（分）');
    if (amount.currency !== 'CNY') throw bad('amount.currency 须为 CNY');
    if (b.notify_url !== undefined && (typeof b.notify_url !== 'string' || !/^https?:\/\/[^?#]+$/.test(b.notify_url)))
      throw bad('notify_url 须为不带参数的 http(s) 地址');
    const o =
      typeof b.out_trade_no === 'string'
        ? this.orders.get(b.out_trade_no)
        : [...this.orders.values()].find((x) => x.transactionId && x.transactionId === b.transaction_id);
    if (!o) throw new GatewayError(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    // What makes a repeat "the same refund": the order and the amounts (reason or notify_url may differ on a retry).
    const requestKey = canonical({ out_trade_no: o.outTradeNo, refund: amount.refund, total: amount.total });
    const existing = this.refunds.get(b.out_refund_no);
    if (existing) {
      // 同一退款单号多次请求只退一笔: the same request answers with the same refund; different parameters are refused.
      if (existing.requestKey !== requestKey)
        throw new GatewayError(400, 'INVALID_REQUEST', '同一退款单号的请求参数与之前不一致');
      return this.refundView(existing);
    }
    this.expireIfDue(o);
    if (o.tradeState === 'NOTPAY' || o.tradeState === 'CLOSED')
      throw new GatewayError(400, 'INVALID_REQUEST', o.tradeState === 'CLOSED' ? '订单已关闭' : '订单未支付');
    if (amount.total !== o.total) throw new GatewayError(400, 'INVALID_REQUEST', '订单金额与原订单金额不一致');
    // A CLOSED refund gave the money back to the merchant; an ABNORMAL one holds it in WeChat's refund account
    // until 发起异常退款 sends it on, so it still counts as refunded.
    const refunded = o.refundNos
      .map((no) => this.refunds.get(no)!)
      .filter((r) => r.status !== 'CLOSED')
      .reduce((s, r) => s + r.refund, 0);
    if (amount.refund > o.total - refunded)
      throw new GatewayError(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额');
    const r: RefundRecord = {
      refundId: `50${digits(9)}${beijingDate()}${digits(10)}`,
      outRefundNo: b.out_refund_no,
      outTradeNo: o.outTradeNo,
      transactionId: o.transactionId!,
      reason: b.reason,
      notifyUrl: b.notify_url,
      total: o.total,
      refund: amount.refund,
      status: 'PROCESSING',
      createTime: Date.now(),
      requestKey,
      channel: 'ORIGINAL',
      userReceivedAccount: '支付用户零钱',
    };
    this.refunds.set(r.outRefundNo, r);
    o.refundNos.push(r.outRefundNo);
    o.tradeState = 'REFUND';
    const view = this.refundView(r);
    const outcome = this.refundOutcomes.get(o.outTradeNo) ?? 'SUCCESS';
    this.refundOutcomes.delete(o.outTradeNo);
    this.finishLater(r, outcome);
    return view;
  }

  /** Completes after the answer has gone out, as WeChat's does (the answer says PROCESSING). */
  private finishLater(r: RefundRecord, outcome: Exclude<RefundStatus, 'PROCESSING'>) {
    if (this.refundDelayMs === 'manual') return;
    this.later(this.refundDelayMs, async () => void (await this.completeRefund(r.outRefundNo, outcome)), {
      partOfOperation: true,
    });
  }

  /**
   * 发起异常退款: only for a refund that is ABNORMAL, named by its refund_id with its out_refund_no in the body.
   * USER_BANK_CARD needs one of the supported debit cards' bank_type and bank_account + real_name encrypted
   * (RSAES-OAEP, SHA-1) with the platform key the Wechatpay-Serial header names; MERCHANT_BANK_CARD (退款至交易商户
   * 银行账户) needs none of them — the spec marks bank_type, bank_account and real_name "若退款至用户此字段必填" — so
   * no Wechatpay-Serial either, and sends the money to the merchant's settlement account (user_received_account
   * 商户结算银行账户, as 查询单笔退款 documents for 退还商户). Either way the request's signature is checked like every
   * other, the refund is PROCESSING again and ends SUCCESS with a REFUND.SUCCESS notification.
   * (https://pay.weixin.qq.com/docs/merchant/apis/refund/refunds/create-abnormal-refund.html)
   */
  private applyAbnormalRefund(refundId: string, b: Record<string, any>, serial: string) {
    const bad = (m: string) => new GatewayError(400, 'PARAM_ERROR', m);
    const r = [...this.refunds.values()].find((x) => x.refundId === refundId);
    if (!r) throw new GatewayError(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    if (typeof b.out_refund_no !== 'string' || b.out_refund_no !== r.outRefundNo)
      throw bad('out_refund_no 与微信支付退款单号不匹配');
    if (b.type !== 'USER_BANK_CARD' && b.type !== 'MERCHANT_BANK_CARD')
      throw bad('type 须为 USER_BANK_CARD 或 MERCHANT_BANK_CARD');
    // Asked again after it was accepted: the refund as it is now (同一退款单号多次请求只退一笔).
    if (r.abnormal && r.status !== 'ABNORMAL') return this.refundView(r);
    if (r.status !== 'ABNORMAL')
      throw new GatewayError(400, 'INVALID_REQUEST', '退款单状态不是退款异常，不能发起异常退款');
    let abnormal: NonNullable<RefundRecord['abnormal']> = { type: b.type };
    if (b.type === 'USER_BANK_CARD') {
      const bank = (ABNORMAL_REFUND_BANKS as Record<string, string>)[b.bank_type];
      if (!bank) throw bad('bank_type 不是支持异常退款的借记卡银行');
      if (serial !== this.publicKeyId && serial.toUpperCase() !== this.certificateSerial)
        throw bad('Wechatpay-Serial 须为微信支付公钥ID或平台证书序列号');
      const decrypt = (field: string) => {
        try {
          return crypto
            .privateDecrypt(
              { key: this.platformPrivate, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
              Buffer.from(String(b[field] ?? ''), 'base64'),
            )
            .toString('utf8');
        } catch {
          throw bad(`${field} 解密失败，请使用微信支付公钥加密`);
        }
      };
      const account = decrypt('bank_account');
      const realName = decrypt('real_name');
      if (!/^\d{8,30}$/.test(account)) throw bad('bank_account 银行卡号格式不正确');
      if (!realName.trim()) throw bad('real_name 不能为空');
      abnormal = { ...abnormal, bankType: b.bank_type, accountLast4: account.slice(-4), realName };
      r.channel = 'OTHER_BANKCARD';
      r.userReceivedAccount = `${bank}借记卡${account.slice(-4)}`;
    } else {
      r.channel = 'OTHER_BANKCARD';
      r.userReceivedAccount = '商户结算银行账户';
    }
    r.abnormal = abnormal;
    r.status = 'PROCESSING';
    this.finishLater(r, 'SUCCESS');
    return this.refundView(r);
  }

  app(): Koa {
    const router = new Router();
    router.post('/v3/pay/transactions/jsapi', (ctx) => {
      ctx.body = this.createJsapi(ctx.state.json, ctx.state.mchid);
    });
    router.get('/v3/pay/transactions/out-trade-no/:no', (ctx) => {
      if (ctx.query.mchid !== ctx.state.mchid)
        throw new GatewayError(400, 'PARAM_ERROR', 'mchid 与请求头中的商户号不一致');
      const o = this.orders.get(ctx.params.no);
      if (!o) throw new GatewayError(404, 'ORDER_NOT_EXIST', '订单不存在');
      ctx.body = this.transactionView(this.expireIfDue(o));
    });
    router.post('/v3/pay/transactions/out-trade-no/:no/close', (ctx) => {
      const b = ctx.state.json;
      if (b.mchid !== ctx.state.mchid) throw new GatewayError(400, 'PARAM_ERROR', 'mchid 与请求头中的商户号不一致');
      const o = this.orders.get(ctx.params.no);
      if (!o) throw new GatewayError(404, 'ORDER_NOT_EXIST', '订单不存在');
      this.expireIfDue(o);
      if (o.tradeState === 'SUCCESS' || o.tradeState === 'REFUND')
        throw new GatewayError(400, 'ORDERPAID', '订单已支付');
      o.tradeState = 'CLOSED';
      ctx.status = 204;
    });
    router.post('/v3/refund/domestic/refunds', (ctx) => {
      ctx.body = this.createRefund(ctx.state.json);
    });
    router.get('/v3/bill/tradebill', (ctx) => {
      const billDate = String(ctx.query.bill_date ?? '');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(billDate)) throw new GatewayError(400, 'PARAM_ERROR', 'bill_date 格式不正确');
      if (billDate >= rfc3339(Date.now()).slice(0, 10))
        throw new GatewayError(400, 'INVALID_REQUEST', '只能下载今天以前的账单');
      const text = this.tradeBillText(billDate);
      if (!text) throw new GatewayError(400, 'NO_STATEMENT_EXIST', '当天无交易，账单不存在');
      const token = crypto.randomBytes(16).toString('hex');
      this.bills.set(token, text);
      ctx.body = {
        hash_type: 'SHA1',
        hash_value: crypto.createHash('sha1').update(text, 'utf8').digest('hex'),
        download_url: `https://api.mch.weixin.qq.com/v3/billdownload/file?token=${token}`,
      };
    });
    // The file itself: not signed (WeChat's download answers carry no signature); its hash was in the signed answer.
    router.get('/v3/billdownload/file', (ctx) => {
      const text = this.bills.get(String(ctx.query.token ?? ''));
      if (!text) throw new GatewayError(404, 'RESOURCE_NOT_EXISTS', '账单不存在或已过期');
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = text;
    });
    router.post('/v3/refund/domestic/refunds/:refundId/apply-abnormal-refund', (ctx) => {
      ctx.body = this.applyAbnormalRefund(ctx.params.refundId, ctx.state.json, ctx.get('Wechatpay-Serial'));
    });
    router.get('/v3/refund/domestic/refunds/:no', (ctx) => {
      const r = this.refunds.get(ctx.params.no);
      if (!r) throw new GatewayError(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
      ctx.body = this.refundView(r);
    });

    // The payer's phone, for the h5 pay sheet (reached through the BFF's simulator proxy in demo mode).
    const sim = new Router({ prefix: '/__sim' });
    const byPrepay = (prepayId: unknown) => {
      const no = typeof prepayId === 'string' ? this.byPrepay.get(prepayId) : undefined;
      const o = no ? this.orders.get(no) : undefined;
      if (!o) throw new GatewayError(404, 'ORDER_NOT_EXIST', '支付单不存在');
      return this.expireIfDue(o);
    };
    sim.get('/order/:prepayId', (ctx) => {
      const o = byPrepay(ctx.params.prepayId);
      ctx.body = {
        prepayId: o.prepayId,
        outTradeNo: o.outTradeNo,
        description: o.description,
        amountFen: o.total,
        tradeState: o.tradeState,
        expiresAt: o.timeExpire ? new Date(o.timeExpire).toISOString() : null,
        merchant: this.mchid,
      };
    });
    sim.post('/pay', async (ctx) => {
      const b = ctx.state.json;
      const prepayId = typeof b.package === 'string' ? b.package.replace(/^prepay_id=/, '') : b.prepayId;
      const o = byPrepay(prepayId);
      if (b.paySign !== undefined) {
        // What the WeChat client checks before showing the sheet: paySign by the merchant key over the four fields.
        const message = `${b.appId}\n${b.timeStamp}\n${b.nonceStr}\n${b.package}\n`;
        const ok =
          b.signType === 'RSA' &&
          b.appId === o.appid &&
          typeof b.paySign === 'string' &&
          crypto.createVerify('RSA-SHA256').update(message).verify(this.merchantKey, b.paySign, 'base64');
        if (!ok) throw new GatewayError(400, 'SIGN_ERROR', '支付验证签名失败');
      }
      const { transaction } = await this.pay(o.outTradeNo, {
        openid: typeof b.openid === 'string' ? b.openid : undefined,
      });
      ctx.body = { ok: true, tradeState: transaction.trade_state, transactionId: transaction.transaction_id };
    });
    sim.post('/cancel', (ctx) => {
      byPrepay(ctx.state.json.prepayId);
      this.stats.cancelledSheets++;
      ctx.body = { ok: true, errMsg: 'requestPayment:fail cancel' };
    });

    const app = new Koa();
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (err) {
        if (!(err instanceof GatewayError)) throw err;
        ctx.status = err.status;
        ctx.body = { code: err.code, message: err.message };
      }
    });
    app.use(async (ctx, next) => {
      const chunks: Buffer[] = [];
      for await (const c of ctx.req) chunks.push(c as Buffer);
      ctx.state.raw = Buffer.concat(chunks).toString('utf8');
      if (ctx.state.raw) {
        try {
          ctx.state.json = JSON.parse(ctx.state.raw);
        } catch {
          throw new GatewayError(400, 'PARAM_ERROR', '请求体不是合法的 JSON');
        }
      } else ctx.state.json = {};
      await next();
    });
    app.use(sim.routes());
    app.use(async (ctx, next) => {
      if (ctx.path.startsWith('/__sim/')) return next();
      this.stats.requests++;
      this.authenticate(ctx);
      const usePublicKey = ctx.get('Wechatpay-Serial') === this.publicKeyId;
      try {
        const held = this.holds.findIndex(
          (h) => (!h.method || h.method === ctx.method) && (!h.pathPrefix || ctx.path.startsWith(h.pathPrefix)),
        );
        if (held >= 0) {
          const [h] = this.holds.splice(held, 1);
          h.arrived();
          await h.answer;
        }
        const inj = this.injected.findIndex(
          (e) => (!e.method || e.method === ctx.method) && (!e.pathPrefix || ctx.path.startsWith(e.pathPrefix)),
        );
        if (inj >= 0) {
          const [e] = this.injected.splice(inj, 1);
          throw new GatewayError(e.status, e.code, e.message);
        }
        await next();
        if (ctx.status === 404 && ctx.body === undefined) throw new GatewayError(404, 'NOT_FOUND', '请求的资源不存在');
      } catch (err) {
        if (!(err instanceof GatewayError)) throw err;
        ctx.status = err.status;
        ctx.body = { code: err.code, message: err.message };
      }
      if (!(ctx.path.startsWith('/v3/billdownload/') && ctx.status === 200)) this.signResponse(ctx, usePublicKey);
    });
    app.use(router.routes());
    return app;
  }

  /** Checks the merchant's request signature: METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n with the merchant's public key. */
  private authenticate(ctx: Koa.Context) {
    const fail = (m: string) => {
      this.stats.signErrors++;
      throw new GatewayError(401, 'SIGN_ERROR', m);
    };
    const a = parseAuthorization(ctx.get('Authorization'));
    if (!a) return fail('错误的签名，验签失败：缺少或无法解析 Authorization');
    for (const k of ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'])
      if (!a[k]) return fail(`Authorization 缺少 ${k}`);
    if (a.mchid !== this.mchid) return fail('商户号不存在或与证书不匹配');
    if (a.serial_no.toUpperCase() !== this.merchantSerial) return fail('商户证书序列号有误');
    const ts = Number(a.timestamp);
    if (!/^\d{10}$/.test(a.timestamp) || Math.abs(nowSec() - ts) > CLOCK_TOLERANCE_S)
      return fail('请求的时间戳已过期或与服务器时间相差过大');
    const message = `${ctx.method}\n${ctx.originalUrl}\n${a.timestamp}\n${a.nonce_str}\n${ctx.state.raw}\n`;
    let ok = false;
    try {
      ok = crypto.createVerify('RSA-SHA256').update(message).verify(this.merchantKey, a.signature, 'base64');
    } catch {
      ok = false;
    }
    if (!ok) return fail('错误的签名，验签失败');
    ctx.state.mchid = a.mchid;
  }

  /** Signs the answer over TIMESTAMP\nNONCE\nBODY\n (empty body for 204) with the platform key. */
  private signResponse(ctx: Koa.Context, usePublicKey: boolean) {
    const body = ctx.status === 204 || ctx.body === undefined ? '' : JSON.stringify(ctx.body);
    if (body) {
      ctx.body = body;
      ctx.type = 'application/json; charset=utf-8';
    }
    ctx.set('Request-ID', crypto.randomUUID());
    const tamper = this.nextResponseTamper;
    this.nextResponseTamper = undefined;
    if (tamper === 'unsigned') return;
    const serial =
      tamper === 'unknownSerial'
        ? crypto.randomBytes(20).toString('hex').toUpperCase()
        : usePublicKey
          ? this.publicKeyId
          : this.certificateSerial;
    const headers = this.signedHeaders(body, serial, nowSec(), tamper === 'badSignature' ? 'badSignature' : undefined);
    for (const [k, v] of Object.entries(headers)) if (k !== 'Wechatpay-Signature-Type') ctx.set(k, v);
    if (tamper === 'bodyAltered' && body)
      ctx.body = body
        .replace(/"(total|refund)":(\d+)/, (_m, k, n) => `"${k}":${Number(n) + 1}`)
        .replace('"prepay_id":"wx', '"prepay_id":"wy');
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const { server, url } = await listenLocally(this.app(), port, host);
    this.server = server;
    return url;
  }

  async close() {
    for (const release of this.releases) release();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const finish of this.cancelTimer.values()) finish();
    this.cancelTimer.clear();
    this.server?.closeAllConnections();
    await closeServer(this.server);
  }
}
