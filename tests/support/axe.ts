import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import type * as Axe from 'axe-core';

/** axe-core's browser bundle, evaluated in the page (DevTools evaluation is not bound by CSP). */
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** The WCAG A and AA rules (2.0, 2.1 and 2.2), and axe's best practices (one h1, roles). */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
/** Experimental in axe, asked for by name: a control's visible words begin its name (2.5.3). */
const EXTRA_RULES = { 'label-content-name-mismatch': { enabled: true } };

export interface AxeViolation {
  rule: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe on the page as it is now; the violations, each with the elements it names. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    async ([tags, rules]) => {
      const axe = (window as unknown as { axe: typeof Axe }).axe;
      const results = await axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        rules,
        resultTypes: ['violations'],
      });
      return results.violations.map((v) => ({
        rule: v.id,
        impact: v.impact ?? null,
        help: v.help,
        targets: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
      }));
    },
    [TAGS, EXTRA_RULES] as const,
  );
}

/** Checks the page in light and in dark; the violations of both, labelled. */
export async function axeInBothSchemes(page: Page, where: string): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const v of await axeViolations(page)) {
      found.push(`${where} (${colorScheme}): ${v.rule} — ${v.help}\n  ${v.targets.join('\n  ')}`);
    }
  }
  await page.emulateMedia({ colorScheme: null });
  return found;
}
