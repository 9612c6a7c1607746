import { browser } from '#imports';

/**
 * The text selected on the current tab, if any. Opening the popup grants `activeTab`, so this
 * reads the selection without any host permission; pages that forbid scripts give nothing.
 */
export async function readTabSelection(): Promise<string> {
  try {
    const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
    if (tab?.id === undefined) return '';
    const [result] = await browser.scripting.executeScript({
      target: { tabId: tab.id },
      func: () => window.getSelection()?.toString() ?? '',
    });
    return typeof result?.result === 'string' ? result.result.slice(0, 200) : '';
  } catch {
    return '';
  }
}
