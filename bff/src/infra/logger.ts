import pino from 'pino';

const PHONE = /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;
const ID_CARD = /(?<![\dXx])(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])/g;

/** Masks phone and resident-ID numbers anywhere in a string: logs never carry personal data. */
export function maskPersonalData(s: string): string {
  return s.replace(ID_CARD, '$1********$2').replace(PHONE, '$1****$2');
}

export function createLogger(level: string) {
  return pino({
    level,
    base: { app: 'yiyun-bff' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.oldPassword',
        '*.newPassword',
        '*.idCard',
        '*.phone',
        // WeChat login / phone-number codes in request bodies (not error codes such as ECONNREFUSED)
        'body.code',
        'params.code',
        'request.body.code',
        '*.refreshToken',
        '*.accessToken',
        '*.session_key',
      ],
      censor: '[redacted]',
    },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? maskPersonalData(a) : a)) as Parameters<typeof method>,
        );
      },
    },
  });
}

export type Logger = pino.Logger;
