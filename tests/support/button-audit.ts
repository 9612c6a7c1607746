import type { Page } from 'playwright-core';
import { parseUserId } from '../../utils/mute/user-id';
import { axButtons, axDisabled, axNames, type Box } from './ax';

/**
 * Holds every page button of a fixture against the page's own ID cells
 * (`window.fixture.idCells()`; the ID is a cell's text, or `window.fixture.idOf(cell)` where the
 * page keeps it elsewhere, e.g. in an attribute), by geometry: a button belongs to the ID cell whose row it sits
 * beside. What a user would see as wrong:
 * - wrong: a button named for another ID than the cell it sits beside shows;
 * - floating: a button beside no ID cell at all;
 * - missing: a cell fully in view, not covered by the page, holding a valid ID, with no button;
 * - duplicated: two buttons beside one cell;
 * - covering: a button outside its cell's visible box (the cell clipped by the scroll box and
 *   the viewport), or over any text of the page, or over a sticky or fixed element.
 */
export interface ButtonAudit {
  buttons: number;
  /** Cells fully in view, uncovered, holding a valid ID: each is owed a button. */
  inView: string[];
  wrong: Array<{ button: string; cell: string }>;
  floating: string[];
  missing: string[];
  duplicated: string[];
  covering: Array<{ button: string; over: string }>;
}

/** A page button's name: "Mute <id>", or "Muted: <id>" when muted, then " — <state>". */
const PAGE_BUTTON_NAME = /^(?:Mute|Muted:) /;

/** The ID a page button is named for. */
export function buttonId(name: string): string {
  return name.replace(PAGE_BUTTON_NAME, '').split(' — ')[0] as string;
}

/**
 * A page button acts only once its ID has been on screen 400 ms (quicker than anyone reads):
 * tests wait this long after a button appears or changes before they click it.
 */
export const READ_MS = 450;

/** The IDs of the page buttons, in the order the accessibility tree (and Tab) meets them. */
export async function pageButtonIds(page: Page): Promise<string[]> {
  return (await axNames(page, 'button', PAGE_BUTTON_NAME)).map(buttonId);
}

/** The border box of the page button for an ID, or null when it has none on screen. */
export async function pageButtonBox(page: Page, id: string): Promise<Box | null> {
  const button = (await axButtons(page, PAGE_BUTTON_NAME)).find((b) => buttonId(b.name) === id);
  return button?.box ?? null;
}

/** The centre of the page button for an ID, or null when it has none on screen. */
export async function pageButtonCentre(
  page: Page,
  id: string,
): Promise<{ x: number; y: number } | null> {
  const box = await pageButtonBox(page, id);
  return box ? { x: box.x + box.width / 2, y: box.y + box.height / 2 } : null;
}

/**
 * Clicks the page button for an ID with real mouse input, as an operator would: the pointer
 * comes onto it (revealing it if it waits for hover), rests while the ID is read, then clicks.
 */
export async function clickPageButton(page: Page, id: string): Promise<void> {
  const centre = await pageButtonCentre(page, id);
  if (!centre) throw new Error(`no page button for ${id} on screen`);
  await page.mouse.move(centre.x, centre.y);
  await page.waitForTimeout(READ_MS);
  await page.mouse.click(centre.x, centre.y);
}

/**
 * Waits until the open popover for an ID is armed: its controls act only once it has been fully
 * visible for 500 ms (its Mute button is aria-disabled until then).
 */
export async function popoverArmed(
  page: Page,
  id: string,
  timeoutMs = 5000,
  /** Its primary button: "Mute <id>", or "Unlock…" when the vault is locked. */
  primary = `Mute ${id}`,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // The page button for a user who is not muted has the same name: none may be disabled.
  for (;;) {
    const states = await axDisabled(page, 'button', primary);
    if (states.length > 0 && !states.includes(true)) return;
    if (Date.now() > deadline) throw new Error(`the popover for ${id} never armed`);
    await page.waitForTimeout(50);
  }
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
  // No hover: a button revealed by hovering its row may lie over the end of a long ID.
  await page.mouse.move(0, 0);
  const buttons = (await axButtons(page, PAGE_BUTTON_NAME)).filter((b) => b.box !== null) as Array<{
    name: string;
    box: Box;
    attributes: Record<string, string>;
  }>;
  const { cells, covering } = await page.evaluate(
    (boxes) => {
      const fixture = (
        window as unknown as {
          fixture: {
            idCells(): Element[];
            idOf?(cell: Element): string;
            scrollBox(): Element | null;
          };
        }
      ).fixture;
      const scroll = fixture.scrollBox()?.getBoundingClientRect();
      const clip = {
        left: Math.max(0, scroll?.left ?? 0),
        top: Math.max(0, scroll?.top ?? 0),
        right: Math.min(innerWidth, scroll?.right ?? innerWidth),
        bottom: Math.min(innerHeight, scroll?.bottom ?? innerHeight),
      };
      const pageHit = (x: number, y: number) =>
        document.elementsFromPoint(x, y).find((e) => !e.localName.startsWith('mute-console'));
      const cells = fixture.idCells().map((cell) => {
        const rect = cell.getBoundingClientRect();
        const inside =
          rect.top >= clip.top - 0.5 &&
          rect.bottom <= clip.bottom + 0.5 &&
          rect.left >= clip.left - 0.5 &&
          rect.right <= clip.right + 0.5;
        const hit = inside ? pageHit(rect.left + 3, (rect.top + rect.bottom) / 2) : undefined;
        return {
          text: fixture.idOf ? fixture.idOf(cell) : (cell.textContent ?? ''),
          top: rect.top,
          bottom: rect.bottom,
          left: rect.left,
          owed: inside && !!hit && (cell.contains(hit) || hit.contains(cell)),
          visible: {
            left: Math.max(rect.left, clip.left),
            top: Math.max(rect.top, clip.top),
            right: Math.min(rect.right, clip.right),
            bottom: Math.min(rect.bottom, clip.bottom),
          },
        };
      });
      // Everything a button must not lie over: text, sticky and fixed elements.
      const obstacles: Array<{ what: string; rect: DOMRect }> = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!/\S/.test(node.nodeValue ?? '')) continue;
        range.selectNodeContents(node);
        for (const rect of range.getClientRects())
          obstacles.push({ what: `text "${(node.nodeValue ?? '').trim().slice(0, 30)}"`, rect });
      }
      for (const element of document.body.querySelectorAll('*')) {
        const position = getComputedStyle(element).position;
        if (position === 'sticky' || position === 'fixed')
          obstacles.push({
            what: `${position} ${element.localName}.${element.className}`,
            rect: element.getBoundingClientRect(),
          });
      }
      const overlaps = (
        a: { left: number; top: number; right: number; bottom: number },
        b: { left: number; top: number; right: number; bottom: number },
      ) =>
        a.left < b.right - 0.5 &&
        b.left < a.right - 0.5 &&
        a.top < b.bottom - 0.5 &&
        b.top < a.bottom - 0.5;
      const covering: Array<{ button: string; over: string }> = [];
      for (const { name, box, overlay } of boxes) {
        const b = { left: box.x, top: box.y, right: box.x + box.width, bottom: box.y + box.height };
        const centre = (b.top + b.bottom) / 2;
        const cell = cells.find((c) => c.top <= centre && centre <= c.bottom && c.left <= b.left);
        if (
          cell &&
          !(
            b.left >= cell.visible.left - 0.5 &&
            b.right <= cell.visible.right + 0.5 &&
            b.top >= cell.visible.top - 0.5 &&
            b.bottom <= cell.visible.bottom + 0.5
          )
        )
          covering.push({ button: name, over: "outside its cell's visible box" });
        for (const obstacle of obstacles) {
          // A button over the end of a long ID is transparent until its row is hovered.
          if (overlay && obstacle.what.startsWith('text')) continue;
          if (overlaps(b, obstacle.rect)) covering.push({ button: name, over: obstacle.what });
        }
      }
      return { cells, covering };
    },
    buttons.map((b) => ({
      name: b.name,
      box: b.box,
      overlay: b.attributes['data-place'] === 'overlay',
    })),
  );
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
    covering,
  };
  const claimed = new Map<(typeof cells)[number], number>();
  for (const button of buttons) {
    const box = button.box;
    const centre = box.y + box.height / 2;
    const cell = cells.find((c) => c.top <= centre && centre <= c.bottom && c.left <= box.x);
    const name = buttonId(button.name);
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
    if (cell.owed) {
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
    covering: audit.covering,
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
      audit.floating.length === 0 &&
      audit.missing.length === 0 &&
      audit.duplicated.length === 0 &&
      audit.covering.length === 0;
    if (audit.wrong.length > 0 || settled || Date.now() > deadline) return audit;
    await page.waitForTimeout(100);
  }
}

/**
 * The IDs of the page buttons shown now, read from the button layer through CDP's DOM
 * domain (closed shadow roots included): cheap where the whole accessibility tree is not
 * (a page of 100,000 rows).
 */
export async function layerButtonIds(page: Page): Promise<string[]> {
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
        names.push(buttonId(attribute('aria-label') ?? ''));
      for (const child of [...(n.shadowRoots ?? []), ...(n.children ?? [])]) visit(child);
    };
    visit(node);
    return names;
  } finally {
    await cdp.detach();
  }
}
