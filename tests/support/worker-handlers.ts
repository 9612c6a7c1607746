import type { Page, Worker } from '@playwright/test';

/**
 * The background's menu and shortcut handlers, run from inside its worker: a browser's native
 * menu and shortcuts cannot be driven headless, so E2E calls what they would call
 * (`globalThis.muteConsoleHandlers`, entrypoints/background/index.ts).
 */
type Handlers = {
  onMenuClicked(
    info: { menuItemId: string; selectionText?: string },
    tab?: { id?: number; url?: string },
  ): Promise<void>;
  onCommand(command: string, tab?: { id?: number; url?: string }): Promise<void>;
};

/** Runs the worker's menu handler, as a click on the selection menu in a tab at `url` would. */
export function runMenu(worker: Worker, menuItemId: string, selectionText: string, url: string) {
  return worker.evaluate(
    ([id, text, pageUrl]) =>
      (
        globalThis as unknown as { muteConsoleHandlers: Handlers }
      ).muteConsoleHandlers.onMenuClicked(
        { menuItemId: id, selectionText: text },
        { url: pageUrl },
      ),
    [menuItemId, selectionText, url] as const,
  );
}

/** Runs the worker's keyboard-command handler for the tab showing this page. */
export function runShortcut(worker: Worker, page: Page): Promise<void> {
  return worker.evaluate(async (pageUrl) => {
    const chrome = (
      globalThis as unknown as {
        chrome: { tabs: { query(q: object): Promise<Array<{ id?: number; url?: string }>> } };
      }
    ).chrome;
    const [tab] = await chrome.tabs.query({ url: pageUrl });
    await (
      globalThis as unknown as { muteConsoleHandlers: Handlers }
    ).muteConsoleHandlers.onCommand('mute-selection', tab);
  }, page.url());
}

/** Selects the text of an element of the page, as an operator's drag would. */
export async function selectText(page: Page, selector: string): Promise<void> {
  await page.evaluate((sel) => {
    const range = document.createRange();
    range.selectNodeContents(document.querySelector(sel) as Element);
    getSelection()?.removeAllRanges();
    getSelection()?.addRange(range);
  }, selector);
}
