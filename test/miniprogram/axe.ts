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
