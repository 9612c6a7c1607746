import type { CDPSession, Page } from 'playwright-core';

/**
 * Reaching into closed shadow roots as assistive technology does: through the accessibility
 * tree (CDP Accessibility.getFullAXTree), then clicking with real mouse input at the node's box
 * (DOM.getBoxModel), so the page sees a trusted click like an operator's.
 */
interface AxNode {
  ignored: boolean;
  role?: { value: string };
  name?: { value: string };
  description?: { value: string };
  backendDOMNodeId?: number;
}

const sessions = new WeakMap<Page, Promise<CDPSession>>();

function session(page: Page): Promise<CDPSession> {
  let cdp = sessions.get(page);
  if (!cdp) {
    cdp = page
      .context()
      .newCDPSession(page)
      .then(async (s) => {
        await s.send('DOM.enable');
        await s.send('Accessibility.enable');
        return s;
      });
    sessions.set(page, cdp);
  }
  return cdp;
}

/** The page's accessibility tree, closed shadow roots included. */
async function fullTree(page: Page): Promise<AxNode[]> {
  const cdp = await session(page);
  await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
  return nodes.filter((n) => !n.ignored);
}

/** Accessible elements with a role (and a name matching), with their description. */
export async function axNodes(
  page: Page,
  role: string,
  name?: RegExp,
): Promise<Array<{ name: string; description: string }>> {
  return (await fullTree(page))
    .filter((n) => n.role?.value === role && (!name || name.test(n.name?.value ?? '')))
    .map((n) => ({ name: n.name?.value ?? '', description: n.description?.value ?? '' }));
}

async function focusedNode(page: Page): Promise<AxNode | undefined> {
  return (await fullTree(page)).find(
    (n) =>
      n.role?.value !== 'RootWebArea' &&
      (n as { properties?: Array<{ name: string; value: { value?: unknown } }> }).properties?.some(
        (p) => p.name === 'focused' && p.value.value === true,
      ),
  );
}

/** The role and name of the element with keyboard focus (closed shadow roots included), or null. */
export async function axFocused(page: Page): Promise<string | null> {
  const focused = await focusedNode(page);
  return focused ? `${focused.role?.value ?? ''} ${focused.name?.value ?? ''}` : null;
}

/** For each element with this role and exact name, whether it is disabled. */
export async function axDisabled(page: Page, role: string, name: string): Promise<boolean[]> {
  return (await fullTree(page))
    .filter((n) => n.role?.value === role && n.name?.value === name)
    .map(
      (n) =>
        (
          n as { properties?: Array<{ name: string; value: { value?: unknown } }> }
        ).properties?.some((p) => p.name === 'disabled' && p.value.value === true) ?? false,
    );
}

/** The names of accessible elements with a role, e.g. every "Mute …" button on the page. */
export async function axNames(page: Page, role: string, name?: RegExp): Promise<string[]> {
  return (await axNodes(page, role, name)).map((n) => n.name);
}

export type Box = { x: number; y: number; width: number; height: number };

async function boxOf(cdp: CDPSession, backendNodeId: number | undefined): Promise<Box | null> {
  if (backendNodeId === undefined) return null;
  try {
    const { model } = (await cdp.send('DOM.getBoxModel', { backendNodeId })) as {
      model: { border: number[] };
    };
    const [x1, y1, , , x3, y3] = model.border as [number, number, number, number, number, number];
    return { x: x1, y: y1, width: x3 - x1, height: y3 - y1 };
  } catch {
    return null;
  }
}

/** Every button whose name matches, with its border box (null when it has none) and attributes. */
export async function axButtons(
  page: Page,
  name: RegExp,
): Promise<Array<{ name: string; box: Box | null; attributes: Record<string, string> }>> {
  const cdp = await session(page);
  const nodes = (await fullTree(page)).filter(
    (n) => n.role?.value === 'button' && name.test(n.name?.value ?? ''),
  );
  return Promise.all(
    nodes.map(async (n) => ({
      name: n.name?.value ?? '',
      box: await boxOf(cdp, n.backendDOMNodeId),
      attributes: await attributesOf(cdp, n.backendDOMNodeId),
    })),
  );
}

async function attributesOf(
  cdp: CDPSession,
  backendNodeId: number | undefined,
): Promise<Record<string, string>> {
  if (backendNodeId === undefined) return {};
  try {
    const { node } = await cdp.send('DOM.describeNode', { backendNodeId });
    const list = node.attributes ?? [];
    const attributes: Record<string, string> = {};
    for (let i = 0; i + 1 < list.length; i += 2)
      attributes[list[i] as string] = list[i + 1] as string;
    return attributes;
  } catch {
    return {};
  }
}

/** An accessible element's border box, or null when it has none (off screen, hidden). */
export async function axBox(page: Page, role: string, name: string): Promise<Box | null> {
  const cdp = await session(page);
  const node = (await fullTree(page)).find((n) => n.role?.value === role && n.name?.value === name);
  return boxOf(cdp, node?.backendDOMNodeId);
}

/** The centre of an accessible element's box, or null when it has none (off screen, hidden). */
export async function axCentre(
  page: Page,
  role: string,
  name: string,
): Promise<{ x: number; y: number } | null> {
  const box = await axBox(page, role, name);
  return box && { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Clicks an accessible element with real mouse input. Throws if it has no box. */
export async function axClick(page: Page, role: string, name: string): Promise<void> {
  const centre = await axCentre(page, role, name);
  if (!centre) throw new Error(`no ${role} named "${name}" on screen`);
  await page.mouse.click(centre.x, centre.y);
}

/**
 * The text of the element with keyboard focus (closed shadow roots included), for focus that
 * sits on something without a role of its own, such as a result line; null when none has it.
 */
export async function axFocusedText(page: Page): Promise<string | null> {
  const cdp = await session(page);
  const focused = await focusedNode(page);
  if (focused?.backendDOMNodeId === undefined) return null;
  const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: focused.backendDOMNodeId });
  if (!object.objectId) return null;
  const { result } = await cdp.send('Runtime.callFunctionOn', {
    objectId: object.objectId,
    functionDeclaration: 'function () { return this.textContent; }',
    returnByValue: true,
  });
  return typeof result.value === 'string' ? result.value : null;
}
