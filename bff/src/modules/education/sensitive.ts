import { Mint } from 'mint-filter';
import { infra } from '../../infra';
import { SensitiveWord, type WordAction } from './models';

/**
 * What the matcher compares: NFKC folds full-width letters, digits and punctuation to their ASCII forms; case is
 * folded; white space, zero-width characters, punctuation and symbols are dropped, so "傻 瓜", "傻＊瓜" and "ＳＢ"
 * all reach the word list as "傻瓜" and "sb".
 */
export function normalizeForMatch(text: string) {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u200b-\u200f\u2060\ufeff\p{P}\p{S}]/gu, '');
}

interface Matcher {
  version: number;
  block: Mint;
  review: Mint;
}
let cached: Matcher | undefined;
const VERSION_KEY = 'edu:words:version';

/** Bumped by every change to the list, so every BFF instance rebuilds its automaton on the next comment. */
export async function wordsChanged() {
  const { kv } = infra();
  await kv.set(VERSION_KEY, ((await kv.get<number>(VERSION_KEY)) ?? 0) + 1, 86400 * 365);
}

async function matcher(): Promise<Matcher> {
  const version = (await infra().kv.get<number>(VERSION_KEY)) ?? 0;
  if (cached?.version === version) return cached;
  const words = await SensitiveWord.findAll({ attributes: ['word', 'action'] });
  const of = (a: WordAction) => [
    ...new Set(
      words
        .filter((w) => w.action === a)
        .map((w) => normalizeForMatch(w.word))
        .filter(Boolean),
    ),
  ];
  cached = { version, block: new Mint(of('block')), review: new Mint(of('review')) };
  return cached;
}

/** Aho–Corasick (mint-filter) over the normalized text: blocked words refuse a comment, review words hold it. */
export async function screenText(text: string): Promise<{ verdict: 'pass' | 'review' | 'block'; words: string[] }> {
  const m = await matcher();
  const norm = normalizeForMatch(text);
  const blocked = m.block.filter(norm, { replace: false }).words;
  if (blocked.length) return { verdict: 'block', words: blocked };
  const held = m.review.filter(norm, { replace: false }).words;
  return held.length ? { verdict: 'review', words: held } : { verdict: 'pass', words: [] };
}
