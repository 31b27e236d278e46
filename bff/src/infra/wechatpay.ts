/**
 * WeChat Pay API v3 client (直连商户, JSAPI / mini-program) over wechatpay-node-v3 2.2.1.
 *
 * What the library does for us: request signing (Authorization: WECHATPAY2-SHA256-RSA2048 …) and the request
 * shapes. What it does not, and this file does instead:
 *  - it hard-codes https://api.mch.weixin.qq.com: our PayRequest subclass rewrites that origin to `apiBase`, so
 *    tests and the embedded demo talk to the local gateway;
 *  - it never verifies response signatures: the same request layer verifies every answer (Wechatpay-Signature over
 *    TIMESTAMP\nNONCE\nBODY\n with the pre-loaded platform key for Wechatpay-Serial); a 2xx answer without a valid
 *    signature is treated as forged;
 *  - its verifySign fetches /v3/certificates whenever it meets an unknown serial (from the hard-coded origin), and
 *    its decipher_gcm never calls final(), so the GCM auth tag is not checked: notifications are verified and
 *    decrypted here with node:crypto against pre-loaded keys only.
 */
import crypto from 'node:crypto';
import { shanghaiRfc3339 } from '../shared/time';
import Pay from 'wechatpay-node-v3';
import { PayRequest } from 'wechatpay-node-v3/dist/lib/pay-request.js';
import type { Output } from 'wechatpay-node-v3/dist/lib/interface-v2';

export const WECHATPAY_ORIGIN = 'https://api.mch.weixin.qq.com';
const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';
/** Notifications and answers older (or further in the future) than this are refused. */
const MAX_CLOCK_SKEW_S = 300;
const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;

// ------------------------------------------------------------------------------------------------ types

export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';
export type RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';

/** A payment as WeChat reports it (query answer and TRANSACTION.SUCCESS resource). Amounts in fen. */
export interface Transaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_type?: string;
  trade_state: TradeState;
  trade_state_desc?: string;
  bank_type?: string;
  attach?: string;
  success_time?: string;
  payer?: { openid: string };
  amount?: { total: number; payer_total?: number; currency?: string; payer_currency?: string };
  promotion_detail?: unknown[];
}

/** A refund as WeChat reports it (apply and query answers). Amounts in fen. */
export interface Refund {
  refund_id: string;
  out_refund_no: string;
  transaction_id: string;
  out_trade_no: string;
  channel: string;
  user_received_account: string;
  success_time?: string;
  create_time: string;
  status: RefundStatus;
  funds_account?: string;
  amount: {
    total: number;
    refund: number;
    payer_total: number;
    payer_refund: number;
    settlement_refund?: number;
    settlement_total?: number;
    discount_refund?: number;
    currency: string;
    refund_fee?: number;
  };
  promotion_detail?: unknown[];
}

/** The decrypted resource of a REFUND.* notification. */
export interface RefundNotifyResource {
  mchid: string;
  out_trade_no: string;
  transaction_id: string;
  out_refund_no: string;
  refund_id: string;
  refund_status: RefundStatus;
  success_time?: string;
  user_received_account: string;
  amount: { total: number; refund: number; payer_total: number; payer_refund: number };
}

interface NotificationBase {
  id: string;
  createTime: string;
  summary: string;
}
export type WechatPayNotification =
  | (NotificationBase & { eventType: 'TRANSACTION.SUCCESS'; resource: Transaction })
  | (NotificationBase & {
      eventType: 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED';
      resource: RefundNotifyResource;
    });

/** What wx.requestPayment takes. */
export interface JsapiPayParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

export interface WechatPayClientOptions {
  mchid: string;
  appid: string;
  /** Serial number of the merchant API certificate (the `serial_no` in Authorization). */
  merchantSerial: string;
  merchantPrivateKeyPem: string;
  /** Only needed by the library's constructor; derived from the private key when absent. */
  merchantPublicKeyPem?: string;
  /** The 32-byte APIv3 key that encrypts notification resources. */
  apiV3Key: string;
  /** Default https://api.mch.weixin.qq.com; tests and the embedded demo point it at the local gateway. */
  apiBase?: string;
  /**
   * WeChat Pay's verification keys, pre-loaded: platform certificate serial → certificate PEM and/or
   * WeChat Pay public key id (PUB_KEY_ID_…) → public key PEM. Unknown serials are refused, never fetched.
   */
  platformPublicKeys: Record<string, string>;
  timeoutMs?: number;
}

/** An answer from the gateway that was not a success, or no trustworthy answer at all (status 0). */
export class WechatPayError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
  ) {
    super(`wechatpay ${status} ${code}: ${message}`);
    this.name = 'WechatPayError';
  }
}

export type NotifyErrorCode =
  | 'NOTIFY_MALFORMED'
  | 'NOTIFY_STALE'
  | 'NOTIFY_UNKNOWN_SERIAL'
  | 'NOTIFY_BAD_SIGNATURE'
  | 'NOTIFY_BAD_CIPHERTEXT'
  | 'NOTIFY_WRONG_MERCHANT';

/** A notification that must not be acted on. The code is stable; answer WeChat with a 4xx/5xx and {code:'FAIL'}. */
export class WechatPayNotifyError extends Error {
  constructor(
    public code: NotifyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WechatPayNotifyError';
  }
}

export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

// ------------------------------------------------------------------------------------------ platform keys

interface PlatformKey {
  id: string;
  kind: 'certificate' | 'publicKey';
  key: crypto.KeyObject;
  notAfter?: number;
}

function loadPlatformKeys(map: Record<string, string>): Map<string, PlatformKey> {
  const keys = new Map<string, PlatformKey>();
  for (const [id, pem] of Object.entries(map)) {
    if (pem.includes('BEGIN CERTIFICATE')) {
      const cert = new crypto.X509Certificate(pem);
      if (cert.serialNumber.toUpperCase() !== id.toUpperCase()) {
        throw new Error(`WeChat Pay platform certificate ${id}: the certificate's serial is ${cert.serialNumber}`);
      }
      keys.set(id.toUpperCase(), { id, kind: 'certificate', key: cert.publicKey, notAfter: Date.parse(cert.validTo) });
    } else {
      keys.set(id.toUpperCase(), { id, kind: 'publicKey', key: crypto.createPublicKey(pem) });
    }
  }
  if (!keys.size) throw new Error('WeChat Pay: no platform certificate or WeChat Pay public key configured');
  return keys;
}

function header(h: HeaderBag, name: string): string | undefined {
  if (typeof (h as Headers).get === 'function') return (h as Headers).get(name) ?? undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === lower) return Array.isArray(v) ? v[0] : v;
  return undefined;
}

type SignatureCheck = 'ok' | 'missing' | 'stale' | 'unknown-serial' | 'bad-signature';

/** Wechatpay-Signature over TIMESTAMP\nNONCE\nBODY\n with the pre-loaded key named by Wechatpay-Serial. */
function checkSignature(keys: Map<string, PlatformKey>, h: HeaderBag, body: string): SignatureCheck {
  const timestamp = header(h, 'Wechatpay-Timestamp');
  const nonce = header(h, 'Wechatpay-Nonce');
  const signature = header(h, 'Wechatpay-Signature');
  const serial = header(h, 'Wechatpay-Serial');
  if (!timestamp || !nonce || !signature || !serial) return 'missing';
  const type = header(h, 'Wechatpay-Signature-Type');
  if (type && type !== AUTH_SCHEME) return 'bad-signature';
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_S)
    return 'stale';
  const pk = keys.get(serial.toUpperCase());
  if (!pk || (pk.notAfter !== undefined && pk.notAfter < Date.now())) return 'unknown-serial';
  // WeChat's probe notifications carry WECHATPAY/SIGNTEST/…: base64 decoding would skip the prefix, so refuse it outright.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return 'bad-signature';
  try {
    const ok = crypto
      .createVerify('RSA-SHA256')
      .update(`${timestamp}\n${nonce}\n${body}\n`)
      .verify(pk.key, signature, 'base64');
    return ok ? 'ok' : 'bad-signature';
  } catch {
    return 'bad-signature';
  }
}

// ------------------------------------------------------------------------------------------ request layer

/**
 * The library's HTTP layer, re-pointed at `apiBase` and made to verify every answer before the library sees it.
 * The library signs the canonical path (it strips the hard-coded origin before signing), so only the origin changes.
 */
class RebasedPayRequest extends PayRequest {
  constructor(
    private apiBase: string,
    private keys: Map<string, PlatformKey>,
    private extraHeaders: Record<string, string>,
    private timeoutMs: number,
  ) {
    super();
  }

  override post(url: string, params: Record<string, any>, headers: Record<string, any>): Promise<Output> {
    return this.send('POST', url, headers, JSON.stringify(params));
  }
  override get(url: string, headers: Record<string, any>): Promise<Output> {
    return this.send('GET', url, headers);
  }
  override upload(): Promise<Output> {
    return Promise.reject(new Error('wechatpay upload is not used by Yiyun'));
  }

  private async send(method: string, url: string, headers: Record<string, any>, body?: string): Promise<Output> {
    if (!url.startsWith(WECHATPAY_ORIGIN + '/')) throw new WechatPayError(0, 'CLIENT_ERROR', `unexpected URL ${url}`);
    const target = this.apiBase.replace(/\/+$/, '') + url.slice(WECHATPAY_ORIGIN.length);
    let res: Response;
    let text: string;
    try {
      res = await fetch(target, {
        method,
        headers: { ...headers, ...this.extraHeaders },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new WechatPayError(
        0,
        'NETWORK_ERROR',
        `${method} ${url.slice(WECHATPAY_ORIGIN.length)}: ${(err as Error).message}`,
      );
    }
    if (url.slice(WECHATPAY_ORIGIN.length).startsWith('/v3/billdownload/')) {
      // A bill file is not signed (WeChat says so): the caller checks it against the hash in the signed tradebill answer.
      return res.ok ? { status: res.status, data: text } : { status: res.status, data: text, error: text };
    }
    const check = checkSignature(this.keys, res.headers, text);
    // WeChat signs every answer to a correctly signed request. A 2xx without a valid signature is forged or altered;
    // an unsigned error (401 SIGN_ERROR is never signed) is reported as the error it says it is.
    const signed = check !== 'missing';
    if ((res.ok || signed) && check !== 'ok') {
      throw new WechatPayError(
        0,
        'RESPONSE_SIGNATURE_INVALID',
        `${method} ${url.slice(WECHATPAY_ORIGIN.length)} → HTTP ${res.status}: answer signature check failed (${check})`,
      );
    }
    let data: any;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        throw new WechatPayError(res.status || 0, 'MALFORMED_RESPONSE', `not JSON: ${text.slice(0, 200)}`);
      }
    }
    return res.ok ? { status: res.status, data } : { status: res.status, data, error: data ?? text };
  }
}

/** The library's request signing, with a cryptographically random nonce instead of Math.random(). */
class SigningPay extends Pay {
  /** A signed JSON POST the library has no method for, through the same (rebased, answer-verifying) request layer. */
  postJson(path: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Output> {
    const url = WECHATPAY_ORIGIN + path;
    const authorization = this.buildAuthorization('POST', url, body);
    return this.httpService.post(
      url,
      body,
      this.getHeaders(authorization, { 'Content-Type': 'application/json', ...headers }),
    );
  }

  protected override buildAuthorization(method: string, url: string, params?: Record<string, any>): string {
    const nonce = crypto.randomBytes(16).toString('hex');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = this.getSignature(method, nonce, timestamp, url.replace(WECHATPAY_ORIGIN, ''), params);
    return this.getAuthorization(nonce, timestamp, signature);
  }
}

function failure(out: Output, what: string): never {
  const body = (out.data ?? out.error) as { code?: string; message?: string } | string | undefined;
  const code = typeof body === 'object' && body?.code ? body.code : `HTTP_${out.status}`;
  const message =
    typeof body === 'object' && body?.message ? body.message : typeof body === 'string' ? body.slice(0, 200) : what;
  throw new WechatPayError(out.status, code, message);
}

// ------------------------------------------------------------------------------------------------ client

export class WechatPayClient {
  readonly mchid: string;
  readonly appid: string;
  readonly apiBase: string;
  private pay: SigningPay;
  private keys: Map<string, PlatformKey>;
  private apiV3Key: Buffer;

  constructor(opts: WechatPayClientOptions) {
    this.mchid = opts.mchid;
    this.appid = opts.appid;
    this.apiBase = opts.apiBase ?? WECHATPAY_ORIGIN;
    this.apiV3Key = Buffer.from(opts.apiV3Key, 'utf8');
    if (this.apiV3Key.length !== 32) throw new Error('WeChat Pay APIv3 key must be 32 bytes');
    this.keys = loadPlatformKeys(opts.platformPublicKeys);
    const publicKeyPem =
      opts.merchantPublicKeyPem ??
      (crypto.createPublicKey(opts.merchantPrivateKeyPem).export({ type: 'spki', format: 'pem' }) as string);
    this.pay = new SigningPay({
      appid: opts.appid,
      mchid: opts.mchid,
      serial_no: opts.merchantSerial,
      publicKey: Buffer.from(publicKeyPem),
      privateKey: Buffer.from(opts.merchantPrivateKeyPem),
      key: opts.apiV3Key,
      userAgent: 'yiyun-bff (wechatpay-node-v3/2.2.1)',
    });
    // With a WeChat Pay public key configured, say so on every request: WeChat then signs its answers with that key.
    const publicKeyId = [...this.keys.values()].find((k) => k.kind === 'publicKey' && /^PUB_KEY_ID_/.test(k.id))?.id;
    this.pay.createHttp(
      new RebasedPayRequest(
        this.apiBase,
        this.keys,
        publicKeyId ? { 'Wechatpay-Serial': publicKeyId } : {},
        opts.timeoutMs ?? 10_000,
      ),
    );
  }

  /** JSAPI 下单. The same outTradeNo with the same parameters gives the same prepay_id again. */
  async jsapi(p: {
    outTradeNo: string;
    description: string;
    amountFen: number;
    openid: string;
    timeExpire: Date;
    notifyUrl: string;
    attach?: string;
  }): Promise<{ prepayId: string }> {
    assertOutTradeNo(p.outTradeNo);
    assertFen(p.amountFen, 'amountFen');
    const out = await this.pay.transactions_jsapi({
      description: p.description,
      out_trade_no: p.outTradeNo,
      time_expire: shanghaiRfc3339(p.timeExpire), // yyyy-MM-ddTHH:mm:ss+08:00
      notify_url: p.notifyUrl,
      amount: { total: p.amountFen, currency: 'CNY' },
      payer: { openid: p.openid },
      ...(p.attach !== undefined ? { attach: p.attach } : {}),
    });
    // On success the library swaps the answer for its own pay params (package = prepay_id=…); we sign our own below.
    const pkg: unknown = out.data?.package;
    if (out.status !== 200 || typeof pkg !== 'string' || !pkg.startsWith('prepay_id=')) failure(out, 'jsapi');
    return { prepayId: pkg.slice('prepay_id='.length) };
  }

  /** The parameters for wx.requestPayment: paySign = SHA256-RSA over appId\ntimeStamp\nnonceStr\npackage\n. */
  payParams(prepayId: string): JsapiPayParams {
    const timeStamp = String(Math.floor(Date.now() / 1000));
    const nonceStr = crypto.randomBytes(16).toString('hex');
    const pkg = `prepay_id=${prepayId}`;
    const paySign = this.pay.sha256WithRsa(`${this.appid}\n${timeStamp}\n${nonceStr}\n${pkg}\n`);
    return { appId: this.appid, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
  }

  /** 商户订单号查询订单; null when WeChat has no such order (404 ORDER_NOT_EXIST). */
  async queryOrder(outTradeNo: string): Promise<Transaction | null> {
    assertOutTradeNo(outTradeNo);
    const out = await this.pay.query({ out_trade_no: outTradeNo });
    if (out.status === 200) return out.data as Transaction;
    if (out.status === 404 && (out.data as { code?: string })?.code === 'ORDER_NOT_EXIST') return null;
    failure(out, 'query');
  }

  /** 关闭订单 (204). Throws WechatPayError ORDERPAID when the payer was faster. */
  async closeOrder(outTradeNo: string): Promise<void> {
    assertOutTradeNo(outTradeNo);
    const out = await this.pay.close(outTradeNo);
    if (out.status !== 204 && out.status !== 200) failure(out, 'close');
  }

  /** 申请退款. Idempotent on outRefundNo: the same request answers with the same refund. */
  async refund(p: {
    outTradeNo: string;
    outRefundNo: string;
    totalFen: number;
    refundFen: number;
    reason?: string;
    notifyUrl?: string;
  }): Promise<Refund> {
    assertOutTradeNo(p.outTradeNo);
    if (!OUT_REFUND_NO.test(p.outRefundNo))
      throw new WechatPayError(0, 'CLIENT_ERROR', `invalid out_refund_no ${p.outRefundNo}`);
    assertFen(p.totalFen, 'totalFen');
    assertFen(p.refundFen, 'refundFen');
    if (p.refundFen > p.totalFen) throw new WechatPayError(0, 'CLIENT_ERROR', 'refundFen exceeds totalFen');
    const out = await this.pay.refunds({
      out_trade_no: p.outTradeNo,
      out_refund_no: p.outRefundNo,
      ...(p.reason ? { reason: p.reason } : {}),
      ...(p.notifyUrl ? { notify_url: p.notifyUrl } : {}),
      amount: { refund: p.refundFen, total: p.totalFen, currency: 'CNY' },
    });
    if (out.status !== 200) failure(out, 'refund');
    return out.data as Refund;
  }

  /** 查询单笔退款; null when WeChat has no such refund (404 RESOURCE_NOT_EXISTS). */
  async queryRefund(outRefundNo: string): Promise<Refund | null> {
    if (!OUT_REFUND_NO.test(outRefundNo))
      throw new WechatPayError(0, 'CLIENT_ERROR', `invalid out_refund_no ${outRefundNo}`);
    const out = await this.pay.find_refunds(outRefundNo);
    if (out.status === 200) return out.data as Refund;
    if (out.status === 404 && (out.data as { code?: string })?.code === 'RESOURCE_NOT_EXISTS') return null;
    failure(out, 'find_refunds');
  }

  /**
   * 发起异常退款 for a refund WeChat reports ABNORMAL (the payer's card was cancelled or frozen; the money waits in
   * WeChat's refund account). USER_BANK_CARD sends it to the payer's debit card: bank_account and real_name are
   * encrypted (RSAES-OAEP) with a pre-loaded WeChat Pay key, named in Wechatpay-Serial. Answers the refund, PROCESSING
   * again until it lands.
   */
  async applyAbnormalRefund(p: {
    refundId: string;
    outRefundNo: string;
    type: 'USER_BANK_CARD' | 'MERCHANT_BANK_CARD';
    bankType?: string;
    bankAccount?: string;
    realName?: string;
  }): Promise<Refund> {
    if (!/^[0-9A-Za-z]{1,32}$/.test(p.refundId))
      throw new WechatPayError(0, 'CLIENT_ERROR', `invalid refund_id ${p.refundId}`);
    if (!OUT_REFUND_NO.test(p.outRefundNo))
      throw new WechatPayError(0, 'CLIENT_ERROR', `invalid out_refund_no ${p.outRefundNo}`);
    const body: Record<string, unknown> = { out_refund_no: p.outRefundNo, type: p.type };
    const headers: Record<string, string> = {};
    if (p.type === 'USER_BANK_CARD') {
      if (!p.bankType || !p.bankAccount || !p.realName)
        throw new WechatPayError(0, 'CLIENT_ERROR', 'USER_BANK_CARD needs bank_type, bank_account and real_name');
      const key = this.encryptionKey();
      headers['Wechatpay-Serial'] = key.id;
      body.bank_type = p.bankType;
      body.bank_account = encryptField(key.key, p.bankAccount);
      body.real_name = encryptField(key.key, p.realName);
    }
    const out = await this.pay.postJson(
      `/v3/refund/domestic/refunds/${encodeURIComponent(p.refundId)}/apply-abnormal-refund`,
      body,
      headers,
    );
    if (out.status !== 200) failure(out, 'apply-abnormal-refund');
    return out.data as Refund;
  }

  /** The key sensitive fields are encrypted to: the WeChat Pay public key if configured, else a valid certificate. */
  private encryptionKey(): PlatformKey {
    const keys = [...this.keys.values()].filter((k) => k.notAfter === undefined || k.notAfter > Date.now());
    const key =
      keys.find((k) => k.kind === 'publicKey' && /^PUB_KEY_ID_/.test(k.id)) ??
      keys.find((k) => k.kind === 'publicKey') ??
      keys[0];
    if (!key) throw new WechatPayError(0, 'CLIENT_ERROR', 'no WeChat Pay key to encrypt sensitive fields with');
    return key;
  }

  /**
   * 申请交易账单 + 下载账单: the day's trade bill (ALL: payments and refunds), its SHA1 checked against the signed
   * answer. null when WeChat has no bill for the day (400 NO_STATEMENT_EXIST: no trade that day).
   */
  async tradeBill(billDate: string): Promise<TradeBill | null> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(billDate))
      throw new WechatPayError(0, 'CLIENT_ERROR', `invalid bill_date ${billDate}`);
    const out = await this.pay.tradebill({ bill_date: billDate, bill_type: 'ALL' });
    if (out.status === 400 && (out.data as { code?: string })?.code === 'NO_STATEMENT_EXIST') return null;
    const meta = out.data as { hash_type?: string; hash_value?: string; download_url?: string } | undefined;
    if (out.status !== 200 || !meta?.download_url) failure(out, 'tradebill');
    const file = await this.pay.downloadBill(meta.download_url);
    if (file.status !== 200 || typeof file.data !== 'string') failure(file, 'downloadBill');
    const text = file.data as string;
    const hash = crypto
      .createHash((meta.hash_type ?? 'SHA1').toLowerCase())
      .update(text, 'utf8')
      .digest('hex');
    if (hash.toLowerCase() !== (meta.hash_value ?? '').toLowerCase())
      throw new WechatPayError(0, 'BILL_HASH_MISMATCH', `bill ${billDate}: the file does not match its hash`);
    return parseTradeBill(text);
  }

  /**
   * Verifies and decrypts a payment or refund notification. Pass the headers and the body exactly as received
   * (the raw bytes, before any JSON parsing). Refuses, in this order: missing pieces (NOTIFY_MALFORMED), a clock more
   * than 5 minutes off (NOTIFY_STALE), a serial that is not pre-loaded (NOTIFY_UNKNOWN_SERIAL), a bad signature
   * (NOTIFY_BAD_SIGNATURE), a ciphertext whose GCM tag does not verify (NOTIFY_BAD_CIPHERTEXT), and a resource
   * for another merchant or app (NOTIFY_WRONG_MERCHANT). Amount and order checks are the caller's.
   */
  verifyNotification(headers: HeaderBag, rawBody: string | Buffer): WechatPayNotification {
    const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
    const check = checkSignature(this.keys, headers, body);
    if (check === 'missing')
      throw new WechatPayNotifyError('NOTIFY_MALFORMED', 'Wechatpay-Timestamp/Nonce/Signature/Serial headers missing');
    if (check === 'stale')
      throw new WechatPayNotifyError('NOTIFY_STALE', 'notification timestamp is more than 5 minutes off');
    if (check === 'unknown-serial')
      throw new WechatPayNotifyError(
        'NOTIFY_UNKNOWN_SERIAL',
        `unknown Wechatpay-Serial ${header(headers, 'Wechatpay-Serial')}`,
      );
    if (check !== 'ok')
      throw new WechatPayNotifyError('NOTIFY_BAD_SIGNATURE', 'notification signature does not verify');

    let envelope: any;
    try {
      envelope = JSON.parse(body);
    } catch {
      throw new WechatPayNotifyError('NOTIFY_MALFORMED', 'notification body is not JSON');
    }
    const r = envelope?.resource;
    if (
      typeof envelope?.id !== 'string' ||
      typeof envelope.event_type !== 'string' ||
      envelope.resource_type !== 'encrypt-resource' ||
      r?.algorithm !== 'AEAD_AES_256_GCM' ||
      typeof r.ciphertext !== 'string' ||
      typeof r.nonce !== 'string'
    ) {
      throw new WechatPayNotifyError(
        'NOTIFY_MALFORMED',
        'notification envelope is not an encrypt-resource AEAD_AES_256_GCM notification',
      );
    }

    let plaintext: string;
    try {
      const data = Buffer.from(r.ciphertext, 'base64');
      if (data.length <= 16) throw new Error('too short');
      const decipher = crypto.createDecipheriv('aes-256-gcm', this.apiV3Key, Buffer.from(r.nonce, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - 16));
      decipher.setAAD(Buffer.from(typeof r.associated_data === 'string' ? r.associated_data : '', 'utf8'));
      // final() is what checks the auth tag: without it a forged ciphertext would decrypt to garbage unnoticed.
      plaintext = Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new WechatPayNotifyError(
        'NOTIFY_BAD_CIPHERTEXT',
        'notification resource does not decrypt (GCM authentication failed)',
      );
    }
    let resource: any;
    try {
      resource = JSON.parse(plaintext);
    } catch {
      throw new WechatPayNotifyError('NOTIFY_MALFORMED', 'decrypted resource is not JSON');
    }
    if (
      resource?.mchid !== this.mchid ||
      (envelope.event_type.startsWith('TRANSACTION.') && resource.appid !== this.appid)
    ) {
      throw new WechatPayNotifyError('NOTIFY_WRONG_MERCHANT', 'notification is for another merchant or app');
    }
    return {
      id: envelope.id,
      createTime: envelope.create_time,
      summary: envelope.summary,
      eventType: envelope.event_type,
      resource,
    };
  }
}

// ----------------------------------------------------------------------------------------------- helpers

/** WeChat Pay's sensitive-field encryption: RSAES-OAEP (SHA-1, MGF1) to its public key, base64. */
function encryptField(key: crypto.KeyObject, plain: string) {
  return crypto
    .publicEncrypt(
      { key, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(plain, 'utf8'),
    )
    .toString('base64');
}

function assertOutTradeNo(no: string) {
  if (!OUT_TRADE_NO.test(no))
    throw new WechatPayError(0, 'CLIENT_ERROR', `invalid out_trade_no ${no} (6-32 of 0-9A-Za-z_-|*)`);
}
function assertFen(n: number, name: string) {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new WechatPayError(0, 'CLIENT_ERROR', `${name} must be a positive integer number of fen`);
}

/** One line of a trade bill: a payment (SUCCESS) or a refund (REFUND) on the bill's day, amounts in fen. */
export interface TradeBillRow {
  time: string;
  transactionId: string;
  outTradeNo: string;
  tradeState: string;
  amountFen: number;
  outRefundNo: string | null;
  refundFen: number;
  refundStatus: string | null;
}
export interface TradeBill {
  rows: TradeBillRow[];
  summary: { trades: number; amountFen: number; refundFen: number };
}

/** The columns of a WeChat Pay v3 trade bill (bill_type ALL), in order. */
export const TRADE_BILL_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
export const TRADE_BILL_SUMMARY_HEADER =
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

const fenOf = (yuan: string) => Math.round(Number(yuan || '0') * 100);

/**
 * A trade bill's text: a header line, one line per record (every field prefixed with a backquote so spreadsheets keep
 * long numbers as text), then the summary header and one summary line.
 */
export function parseTradeBill(text: string): TradeBill {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const cells = (l: string) => l.split(',').map((c) => c.replace(/^`/, '').trim());
  const summaryAt = lines.findIndex((l) => l.startsWith('总交易单数'));
  const body = lines.slice(1, summaryAt < 0 ? undefined : summaryAt);
  const rows = body.map((l) => {
    const c = cells(l);
    return {
      time: c[0],
      transactionId: c[5],
      outTradeNo: c[6],
      tradeState: c[9],
      amountFen: fenOf(c[12]),
      outRefundNo: c[15] || null,
      refundFen: fenOf(c[16]),
      refundStatus: c[19] || null,
    };
  });
  const sum = summaryAt >= 0 && lines[summaryAt + 1] ? cells(lines[summaryAt + 1]) : [];
  return {
    rows,
    summary: {
      trades: Number(sum[0] ?? rows.length),
      amountFen: fenOf(sum[1] ?? '0'),
      refundFen: fenOf(sum[2] ?? '0'),
    },
  };
}

/**
 * A simulated merchant identity (API key pair and certificate serial) for the embedded demo and the tests.
 * Real merchants download theirs (apiclient_key.pem, serial from apiclient_cert.pem) from the merchant platform.
 */
export function generateMerchantIdentity(): { privateKeyPem: string; publicKeyPem: string; serial: string } {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    serial: crypto.randomBytes(20).toString('hex').toUpperCase(),
  };
}

/** A random APIv3 key (32 ASCII characters, as the merchant platform requires). */
export function generateApiV3Key(): string {
  return crypto.randomBytes(24).toString('base64url').slice(0, 32);
}
