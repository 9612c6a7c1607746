/** The scripting call the worker needs to read a tab's selection. */
export interface ExecuteScriptLike {
  executeScript(injection: {
    target: { tabId: number };
    func: () => string;
  }): Promise<Array<{ result?: unknown }>>;
}

/**
 * The text selected in a tab. Opening the popup or pressing a keyboard command grants
 * activeTab for the current tab, so this needs no host permission; pages that forbid scripts
 * give an empty string.
 */
export async function readSelection(scripting: ExecuteScriptLike, tabId: number): Promise<string> {
  try {
    const [first] = await scripting.executeScript({
      target: { tabId },
      func: () => window.getSelection()?.toString() ?? '',
    });
    return typeof first?.result === 'string' ? first.result.slice(0, 200) : '';
  } catch {
    return '';
  }
}
