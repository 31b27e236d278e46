// Module-loading hooks (they run on node's loader thread): record each URL before loading it.
import fs from 'node:fs';

const out = process.env.YIYUN_LOAD_TRACE;

export async function load(url, context, next) {
  if (out) fs.appendFileSync(out, `${url}\n`);
  return next(url, context);
}
