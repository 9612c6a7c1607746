import type { Page } from 'playwright-core';
import { parseUserId } from '../../utils/mute/user-id';
import { axButtons, axClick } from './ax';

/**
 * Holds every page button of a console fixture against the page's own ID cells
 * (`window.fixture.idCells()`), by geometry: a button belongs to the ID cell whose row it sits
 * beside. What a user would see as wrong:
 * - wrong: a button named for another ID than the cell it sits beside shows;
 * - floating: a button beside no ID cell at all;
 * - missing: a cell in view that holds a valid ID and has no button;
 * - duplicated: two buttons beside one cell.
 */
export interface ButtonAudit {
  buttons: number;
  /** Cells in view holding a valid ID. */
  inView: string[];
  wrong: Array<{ button: string; cell: string }>;
  floating: string[];
  missing: string[];
  duplicated: string[];
}

interface CellBox {
  text: string;
  top: number;
  bottom: number;
  left: number;
  /** How much of the cell's height is inside its scroll box and the viewport (px). */
  shown: number;
}

/**
 * A page button acts only once its ID has been on screen 400 ms (quicker than anyone reads):
 * tests wait this long after a button appears or changes before they click it.
 */
export const READ_MS = 450;

/** Clicks a page button with real mouse input, as an operator who has read it would. */
export async function clickPageButton(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(READ_MS);
  await axClick(page, 'button', name);
}

/** Waits until the page has rendered two more frames (the buttons follow one frame later). */
export async function settleFrames(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) =>
        requestAnimationFrame(() => requestAnimationFrame(() => resolve())),
      ),
  );
}

export async function auditButtons(page: Page): Promise<ButtonAudit> {
  const buttons = (await axButtons(page, /^Mute /)).filter((b) => b.box !== null);
  const cells: CellBox[] = await page.evaluate(() => {
    const fixture = (
      window as unknown as {
        fixture: { idCells(): Element[]; scrollBox(): Element | null };
      }
    ).fixture;
    const box = fixture.scrollBox()?.getBoundingClientRect();
    const top = Math.max(0, box?.top ?? 0);
    const bottom = Math.min(innerHeight, box?.bottom ?? innerHeight);
    return fixture.idCells().map((cell) => {
      const rect = cell.getBoundingClientRect();
      return {
        text: cell.textContent ?? '',
        top: rect.top,
        bottom: rect.bottom,
        left: rect.left,
        shown: Math.min(rect.bottom, bottom) - Math.max(rect.top, top),
      };
    });
  });
  const idOf = (text: string) => {
    const parsed = parseUserId(text);
    return parsed.ok ? parsed.userId : null;
  };
  const audit: ButtonAudit = {
    buttons: buttons.length,
    inView: [],
    wrong: [],
    floating: [],
    missing: [],
    duplicated: [],
  };
  const claimed = new Map<CellBox, number>();
  for (const button of buttons) {
    const box = button.box as { x: number; y: number; width: number; height: number };
    const centre = box.y + box.height / 2;
    const cell = cells.find((c) => c.top <= centre && centre <= c.bottom && c.left <= box.x);
    const name = button.name.slice('Mute '.length);
    if (!cell) {
      audit.floating.push(name);
      continue;
    }
    claimed.set(cell, (claimed.get(cell) ?? 0) + 1);
    if (idOf(cell.text) !== name) audit.wrong.push({ button: name, cell: cell.text.trim() });
  }
  for (const cell of cells) {
    const id = idOf(cell.text);
    if (id === null) continue;
    // Clearly in view: a button is owed. Touching the edge only: either way is right.
    if (cell.shown >= 2) {
      audit.inView.push(id);
      if (!claimed.has(cell)) audit.missing.push(id);
    }
    if ((claimed.get(cell) ?? 0) > 1) audit.duplicated.push(id);
  }
  return audit;
}

/** A one-line account of what is wrong, for assertion messages. */
export function describeAudit(audit: ButtonAudit): string {
  return JSON.stringify({
    buttons: audit.buttons,
    wrong: audit.wrong,
    floating: audit.floating,
    missing: audit.missing,
    duplicated: audit.duplicated,
  });
}

/**
 * Waits (bounded) until the buttons match the cells in view. A wrong ID is never waited out:
 * the first audit that finds one is returned as it is.
 */
export async function settledAudit(page: Page, timeoutMs = 5000): Promise<ButtonAudit> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await settleFrames(page);
    const audit = await auditButtons(page);
    const settled =
      audit.floating.length === 0 && audit.missing.length === 0 && audit.duplicated.length === 0;
    if (audit.wrong.length > 0 || settled || Date.now() > deadline) return audit;
    await page.waitForTimeout(100);
  }
}

/**
 * The names of the page buttons shown now, read from the button layer through CDP's DOM
 * domain (closed shadow roots included): cheap where the whole accessibility tree is not
 * (a page of 100,000 rows).
 */
export async function layerButtonNames(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', {
      nodeId: root.nodeId,
      selector: 'mute-console-buttons',
    });
    if (!nodeId) return [];
    const { node } = await cdp.send('DOM.describeNode', { nodeId, depth: -1, pierce: true });
    const names: string[] = [];
    const visit = (n: typeof node) => {
      const attributes = n.attributes ?? [];
      const attribute = (name: string) => {
        const i = attributes.indexOf(name);
        return i >= 0 && i % 2 === 0 ? attributes[i + 1] : undefined;
      };
      if (n.nodeName === 'BUTTON' && attribute('hidden') === undefined)
        names.push(attribute('aria-label') ?? '');
      for (const child of [...(n.shadowRoots ?? []), ...(n.children ?? [])]) visit(child);
    };
    visit(node);
    return names;
  } finally {
    await cdp.detach();
  }
}
