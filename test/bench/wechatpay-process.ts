/**
 * The spec-faithful WeChat Pay gateway in a process of its own, for the benchmark: in demo mode the BFF would run
 * it in-process, and its work (checking the merchant's signatures, signing its answers) would be counted as the
 * BFF's. Reads the merchant's identity from BENCH_PAY (JSON), prints one line of JSON — the gateway's URL and its
 * platform public keys — and runs until SIGTERM.
 */
import { FakeWechatPay } from '../../bff/src/simulators/wechatpay-gateway';

const merchant = JSON.parse(process.env.BENCH_PAY ?? '') as {
  mchid: string;
  appid: string;
  serial: string;
  publicKeyPem: string;
  apiV3Key: string;
};
const gateway = new FakeWechatPay({
  mchid: merchant.mchid,
  appid: merchant.appid,
  merchantSerial: merchant.serial,
  merchantPublicKeyPem: merchant.publicKeyPem,
  apiV3Key: merchant.apiV3Key,
  retryScheduleMs: [],
});
const url = await gateway.listen(0);
process.stdout.write(`${JSON.stringify({ url, platformPublicKeys: gateway.platformPublicKeys })}\n`);
process.once('SIGTERM', () => gateway.close().then(() => process.exit(0)));
