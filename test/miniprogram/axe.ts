/** axe-core (Deque's accessibility engine, from npm) run inside the page: WCAG 2.1 A and AA rules only. */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const source = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * The WCAG 2.1 AA violations of what is on screen (or of the part `within` selects, e.g. an open dialog). axe is evaluated through the DevTools protocol rather than a
 * <script> tag, so the BFF's Content-Security-Policy (which forbids inline scripts) stays on while it runs.
 */
export async function wcagViolations(page: Page, within?: string): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(source);
  return page.evaluate(async (within) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<any> } }).axe;
    // resolved here (the browser's own selectors, :has and all); only what is shown
    const parts = within ? [...document.querySelectorAll(within)].filter((e) => e.checkVisibility()) : [];
    if (within && !parts.length) throw new Error(`axe: nothing visible matches ${within}`);
    const r = await axe.run(within ? { include: parts } : document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 6).map((n: any) => `${n.target.join(' ')} — ${n.failureSummary}`),
    }));
  }, within);
}

export const describeViolations = (vs: AxeViolation[]) =>
  vs.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n');

/**
 * The text fields shown (every <input> but buttons and check boxes, every <textarea>) that have no accessible name of
 * their own: axe lets a placeholder name a field, but a placeholder is a hint that goes away as one types, not a
 * label (WCAG 1.3.1, 3.3.2). A name comes from aria-labelledby, aria-label, a <label> (for= or around it) or title;
 * each unnamed field is described by its placeholder and classes, e.g. `input.weui-input（placeholder “注销”）`.
 */
export async function unnamedFields(page: Page): Promise<string[]> {
  // (no named helper functions in here: the test runner's transform would wrap them in a __name() the page lacks)
  return page.evaluate(() =>
    [
      ...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(
        'textarea, input:not([type=hidden], [type=button], [type=submit], [type=reset], [type=checkbox], [type=radio], [type=image], [type=file])',
      ),
    ]
      .filter((f) => f.checkVisibility())
      .filter(
        (f) =>
          ![
            ...(f.getAttribute('aria-labelledby') ?? '')
              .split(/\s+/)
              .map((id) => (id ? document.getElementById(id) : null)),
            ...(f.labels ?? []),
          ].some((e) => e?.textContent?.trim()) &&
          !f.getAttribute('aria-label')?.trim() &&
          !f.title.trim(),
      )
      .map((f) => {
        const host = f.closest('taro-input-core, taro-textarea-core') ?? f;
        return `${f.localName}.${[...host.classList].join('.')}（placeholder “${f.placeholder}”）`;
      }),
  );
}
