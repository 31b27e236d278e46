// `node --import ./test/support/load-trace/register.mjs …` writes the URL of every ES module the process loads,
// one per line, to the file named by YIYUN_LOAD_TRACE: what a test reads to prove which code a boot really ran.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
