import type { Page } from '@playwright/test';
import { axBox, axButtons, axFocused, axFocusedText, axNames, type Box } from '../support/ax';
import {
  clickPageButton,
  pageButtonBox,
  pageButtonIds,
  popoverArmed,
} from '../support/button-audit';
import type { LaunchedExtension } from '../support/browser';
import { DEMO_APP } from '../support/demo-seed';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { expect, setUpDemoApp, test } from './fixtures';

/**
 * The page button's popover, through the production build on the console stand-in: it fits a
 * laptop-height window next to its row, a page cannot click it for the operator, and the
 * keyboard stays with it after every action.
 */
const APP = DEMO_APP.sdkAppId;
const CONSOLE = 'https://console.cloud.tencent.com';
const ACCOUNTS = ['alice', 'bob', 'carol', 'dave', 'erin', 'spammer_01', 'spammer_02', 'troll-42'];
const LAPTOP = { width: 1366, height: 660 };
let fixtures: FixtureServer;

test.beforeAll(async () => {
  fixtures = await startFixtureServer();
});
test.afterAll(async () => {
  await fixtures.close();
});

async function openConsole(
  launch: (o?: object) => Promise<LaunchedExtension>,
  viewport = LAPTOP,
): Promise<Page> {
  return (await openConsoleWithOptions(launch, viewport)).page;
}

async function openConsoleWithOptions(
  launch: (o?: object) => Promise<LaunchedExtension>,
  viewport = LAPTOP,
): Promise<{ page: Page; options: Page }> {
  const extension = await launch({
    extraHostPorts: { 'console.cloud.tencent.com': fixtures.httpsPort },
    viewport,
  });
  const options = await setUpDemoApp(extension);
  const page = await extension.context.newPage();
  await page.goto(`${CONSOLE}/im/account-management`);
  await expect.poll(() => pageButtonIds(page)).toHaveLength(ACCOUNTS.length);
  return { page, options };
}

/** Opens the popover for an ID with a real click and waits until it can act. */
async function openPopover(page: Page, id: string): Promise<Box> {
  await clickPageButton(page, id);
  await expect.poll(() => axNames(page, 'dialog')).toEqual([`Mute Console: ${id}`]);
  await popoverArmed(page, id);
  const dialog = await axBox(page, 'dialog', `Mute Console: ${id}`);
  if (!dialog) throw new Error(`the popover for ${id} has no box`);
  return dialog;
}

/** The popover's own Mute button (the page button has the same name), by its place. */
async function popoverSubmit(page: Page, id: string, dialog: Box): Promise<Box> {
  const box = (await axButtons(page, new RegExp(`^Mute ${id}$`))).find((b) =>
    inside(b.box, dialog),
  )?.box;
  if (!box) throw new Error(`no Mute button inside the popover for ${id}`);
  return box;
}

function inside(box: Box | null, outer: Box): boolean {
  return (
    box !== null &&
    box.x >= outer.x - 0.5 &&
    box.y >= outer.y - 0.5 &&
    box.x + box.width <= outer.x + outer.width + 0.5 &&
    box.y + box.height <= outer.y + outer.height + 0.5
  );
}

const mutes = (emulator: { requests: Array<{ command: string }> }) =>
  emulator.requests.filter((r) => r.command === 'setnospeaking');

test('on a 1366×660 window the popover opens whole next to its row, never over it, its header and Mute in view', async ({
  launch,
}) => {
  const page = await openConsole(launch);
  const screen = { x: 0, y: 0, ...LAPTOP };
  for (const id of ACCOUNTS) {
    const button = await pageButtonBox(page, id);
    if (!button) throw new Error(`no page button for ${id}`);
    const dialog = await openPopover(page, id);
    const where = `${id}: popover ${JSON.stringify(dialog)}, button ${JSON.stringify(button)}`;
    expect(inside(dialog, screen), where).toBe(true);
    // Next to its button, above or below, never over the row it names.
    const below = dialog.y - (button.y + button.height);
    const above = button.y - (dialog.y + dialog.height);
    expect(Math.max(below, above), where).toBeGreaterThanOrEqual(0);
    expect(Math.max(below, above), where).toBeLessThanOrEqual(12);
    // Scope, duration, reason and Mute in 360 px: whole on this window, nothing to scroll.
    expect(dialog.height, where).toBeLessThanOrEqual(360);
    expect(inside(await axBox(page, 'button', 'Close'), dialog), where).toBe(true);
    expect(inside(await popoverSubmit(page, id, dialog), dialog), where).toBe(true);
    expect(await axFocused(page)).toBe(`button Mute ${id}`);
    await page.keyboard.press('Escape');
    await expect.poll(() => axNames(page, 'dialog')).toEqual([]);
  }
});

test('on a window too short for it, only its middle scrolls: who, where and Mute stay in view', async ({
  launch,
}) => {
  const short = { width: 1366, height: 420 };
  const page = await openConsole(launch, short);
  const dialog = await openPopover(page, 'dave');
  const screen = { x: 0, y: 0, ...short };
  expect(inside(dialog, screen)).toBe(true);
  const button = await pageButtonBox(page, 'dave');
  if (!button) throw new Error('no page button for dave');
  expect(dialog.y + dialog.height).toBeLessThanOrEqual(button.y);
  // Back from Mute into the middle: the reason field scrolls into view, the header stays.
  await page.keyboard.press('Shift+Tab');
  expect(await axFocused(page)).toBe('combobox Reason (optional, for the audit log)');
  const reason = await axBox(page, 'combobox', 'Reason (optional, for the audit log)');
  expect(inside(reason, dialog)).toBe(true);
  expect(inside(await axBox(page, 'button', 'Close'), dialog)).toBe(true);
  expect(inside(await axBox(page, 'StaticText', 'Demo community (1400187352)'), dialog)).toBe(true);
  expect(inside(await popoverSubmit(page, 'dave', dialog), dialog)).toBe(true);
});

test('a page that lays a decoy over the open popover gets nothing: it closes, says why, and sends nothing', async ({
  launch,
  emulator,
}) => {
  const page = await openConsole(launch);
  const dialog = await openPopover(page, 'bob');
  const submit = await popoverSubmit(page, 'bob', dialog);
  const at = { x: submit.x + submit.width / 2, y: submit.y + submit.height / 2 };
  // An opaque decoy over everything, drawn above the popover; clicks pass through it.
  const covers = await page.evaluate(({ x, y }) => {
    const decoy = document.createElement('div');
    decoy.id = 'decoy';
    decoy.textContent = 'Click here to continue';
    Object.assign(decoy.style, {
      position: 'fixed',
      inset: '0',
      zIndex: '2147483647',
      background: '#fff',
    });
    document.documentElement.append(decoy);
    const onTop = document.elementFromPoint(x, y) === decoy;
    decoy.style.pointerEvents = 'none';
    return onTop;
  }, at);
  expect(covers).toBe(true);
  // The popover sees it and closes itself, saying why, with focus back on its page button.
  await expect.poll(() => axNames(page, 'dialog')).toEqual([]);
  expect(await axNames(page, 'alert')).toHaveLength(1);
  expect(
    await axNames(
      page,
      'StaticText',
      /^Closed: something on this page was drawn over Mute Console for bob,/,
    ),
  ).toHaveLength(1);
  expect(await axFocused(page)).toBe('button Mute bob');
  // The operator's Enter and click, through the decoy, reach nothing that acts.
  await page.keyboard.press('Enter');
  await page.mouse.click(at.x, at.y);
  await page.waitForTimeout(800);
  expect(mutes(emulator)).toEqual([]);
  expect(await axNames(page, 'dialog')).toEqual([]);

  // Control: once the decoy goes, the button opens it again and the same Enter mutes.
  await page.evaluate(() => document.getElementById('decoy')?.remove());
  await page.keyboard.press('Escape');
  await expect.poll(() => axNames(page, 'alert')).toHaveLength(0);
  await openPopover(page, 'bob');
  await page.keyboard.press('Enter');
  await expect.poll(() => emulator.muteState(APP, 'bob').c2c).toBeGreaterThan(0);
});

test('the keyboard stays with the popover after every action: result, Undo, error, Esc back to the button', async ({
  launch,
  emulator,
}) => {
  const page = await openConsole(launch);
  await openPopover(page, 'bob');
  // Mute: focus moves to the result line, Undo next to it.
  await page.keyboard.press('Enter');
  await expect.poll(() => axFocusedText(page)).toMatch(/^Muted bob for 1 hr \(.+\), until /);
  expect(emulator.muteState(APP, 'bob').c2c).toBeGreaterThan(3590);
  // Enter on the result repeats nothing.
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
  expect(mutes(emulator)).toHaveLength(1);
  await page.keyboard.press('Tab');
  expect(await axFocused(page)).toBe("button Undo: restore bob's previous state");
  await page.keyboard.press('Enter');
  await expect.poll(() => axFocusedText(page)).toMatch(/^Restored bob's previous state: /);
  await expect.poll(() => emulator.muteState(APP, 'bob').c2c).toBe(0);
  // The popover's keys still work from the result: 3 picks 1 day, Tab reaches Mute again.
  await page.keyboard.press('3');
  await page.keyboard.press('Tab');
  expect(await axFocused(page)).toBe('button Mute bob');
  await page.keyboard.press('Enter');
  await expect.poll(() => axFocusedText(page)).toMatch(/^Muted bob for 1 day /);
  expect(emulator.muteState(APP, 'bob').c2c).toBeGreaterThan(86_390);
  await page.keyboard.press('Escape');
  await expect.poll(() => axNames(page, 'dialog')).toEqual([]);
  expect(await axFocused(page)).toBe('button Muted: bob — click to change');

  // A failure takes focus the same way, in words with what to do.
  emulator.injectFault({ fault: { kind: 'error-code', code: 60021 }, command: 'setnospeaking' });
  await openPopover(page, 'carol');
  await page.keyboard.press('Enter');
  await expect
    .poll(() => axFocusedText(page))
    .toBe(
      "This computer's IP address is not on the app's allow-list (code 60021). Add this computer's public IP address to the app's allow-list in the console.",
    );
  expect(emulator.muteState(APP, 'carol').c2c).toBe(0);
  await page.keyboard.press('Escape');
  await expect.poll(() => axNames(page, 'dialog')).toEqual([]);
  expect(await axFocused(page)).toBe('button Mute carol');
});

test('drawn at once from what the page knew, then corrected: a vault locked since the page loaded shows the unlock step, and nothing acts before it', async ({
  launch,
  emulator,
}) => {
  const { page, options } = await openConsoleWithOptions(launch);
  await options.getByRole('button', { name: 'Lock' }).click();
  await page.bringToFront();
  await clickPageButton(page, 'erin');
  // The operator's Enter at once lands on a popover that is not armed yet.
  await page.keyboard.press('Enter');
  await expect.poll(() => axNames(page, 'dialog')).toEqual(['Mute Console: erin']);
  await expect
    .poll(() => axNames(page, 'StaticText', /^Mute Console is locked\.$/))
    .toHaveLength(1);
  expect(await axNames(page, 'button', /^Unlock…$/)).toHaveLength(1);
  expect(mutes(emulator)).toEqual([]);
  // Not even the unlock window opened before it armed; once armed, Enter asks for it.
  await popoverArmed(page, 'erin', 5000, 'Unlock…');
  const opened = page.context().waitForEvent('page', { timeout: 15_000 });
  await page.keyboard.press('Enter');
  const window = await opened;
  expect(window.url()).toMatch(/quick-action\.html$/);
});

test('it follows its row as the page scrolls, and closes once the row has left the screen', async ({
  launch,
}) => {
  const page = await openConsole(launch);
  await page.goto(`${CONSOLE}/im/big-table?rows=300`);
  await expect.poll(() => pageButtonIds(page)).toContain('user_00005');
  const before = await openPopover(page, 'user_00005');
  const button = await pageButtonBox(page, 'user_00005');
  await page.mouse.wheel(0, 60);
  await expect
    .poll(async () => (await axBox(page, 'dialog', 'Mute Console: user_00005'))?.y)
    .toBeCloseTo(before.y - 60, 0);
  const moved = await pageButtonBox(page, 'user_00005');
  expect(moved && button && moved.y).toBeCloseTo((button?.y ?? 0) - 60, 0);
  // Scrolled away: a popover floating without its row would no longer say whom it acts on.
  await page.mouse.wheel(0, 2000);
  await expect.poll(() => axNames(page, 'dialog')).toEqual([]);
});
