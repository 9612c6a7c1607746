import { DEMO_APP, generatedUsers } from '../support/demo-seed';
import {
  addApp,
  aria,
  createVault,
  field,
  pickDuration,
  until,
  waitForText,
} from '../support/firefox-operator';
import { DEMO_APP_INPUT } from '../support/operator';
import { expect, test } from './fixtures';

// A bulk run in the production Firefox build, its event page stopped mid-run the way Firefox
// stops an idle one: the Firefox counterpart of popup.spec.ts's 500-user bulk run.

const APP = DEMO_APP.sdkAppId;
/** Users in the run: 500 in Chromium; 300 keep this test near 30 s on two busy cores. */
const COUNT = 300;

test('a 300-user bulk run stays under the rate limit, survives the event page being stopped, and retries a failure', async ({
  launch,
  emulator,
}) => {
  const started = Date.now();
  const firefox = await launch({ systemAccess: true });
  const options = await firefox.waitForPage('options.html');
  await createVault(options);
  await addApp(options, DEMO_APP_INPUT);
  const setUpAt = Date.now();

  const popup = await firefox.openPage('popup.html');
  await popup.locator(aria('tab', 'Bulk')).click();
  const users = generatedUsers(COUNT);
  // As Playwright's fill does: the value at once, then one input event (typing thousands of
  // characters over BiDi takes long).
  await (
    await field(popup, 'User IDs')
  ).evaluate((el, text) => {
    (el as HTMLTextAreaElement).value = text;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, users.join('\n'));
  await pickDuration(popup, '1 day');
  await popup.locator(aria('button', 'Check them first (dry run)')).click();
  await popup
    .locator(aria('button', `Apply to ${COUNT} users`))
    .setTimeout(20_000)
    .wait();
  await waitForText(popup, 'Not muted');
  const checkedAt = Date.now();

  emulator.reset();
  emulator.injectFault({
    fault: { kind: 'error-code', code: 130014 },
    userId: 'user_0250',
    times: 3,
  });
  await popup.locator(aria('button', `Apply to ${COUNT} users`)).click();
  const dialog = await popup.waitForSelector('[role="alertdialog"]');
  if (!dialog) throw new Error('no confirmation');
  expect(await dialog.evaluate((el) => el.textContent)).toContain(
    `Mute ${COUNT} users for 1 day on Demo community (PROD)?`,
  );
  const confirm = await dialog.waitForSelector(aria('button', `Apply to ${COUNT} users`));
  if (!confirm) throw new Error('no Apply button in the confirmation');
  await confirm.click();

  const sets = () => emulator.requests.filter((r) => r.command === 'setnospeaking');
  await until(() => sets().length > 60, 'the run under way');
  // The page running the job carries a mark; a page loaded after the stop does not.
  await firefox.backgroundEval('(globalThis.__muteConsoleOldBackground = true)');
  const stop = await firefox.stopBackground();
  const stoppedAt = Date.now();
  // What the stopped page had asked for and had no answer to: its intents without an outcome
  // (audit log, storage.local; reading storage wakes nothing).
  const { jobId, open } = await firefox.extensionEval<{ jobId: string; open: string[] }>(
    `browser.storage.session.get('bulkJob').then(async ({ bulkJob }) => ({
      jobId: JSON.parse(bulkJob).id,
      open: (await browser.storage.local.get('auditIndex')).auditIndex.open.map((o) => o.id),
    }))`,
  );
  const inFlight = new Set(
    open.filter((id) => id.startsWith(`${jobId}/`)).map((id) => users[Number(id.split('/')[1])]),
  );
  // Requests on the wire when the page went have landed by now.
  await new Promise((resolve) => setTimeout(resolve, 150));
  const atStop = sets().length;
  expect(atStop, 'the page was stopped mid-run').toBeLessThan(COUNT);

  // The popup's next poll (twice a second) wakes a new page, whose start-up picks the job up.
  // (With nothing open, nothing would: see the closing note of issue 17.)
  await until(() => sets().length > atStop, 'the run to carry on', 10_000);
  const resumedAfterMs = (sets()[atStop]?.at ?? 0) - stoppedAt;
  const finished = () =>
    new Set(
      sets()
        .filter((r) => r.errorCode === 0)
        .map((r) => (r.body as { Set_Account?: string }).Set_Account),
    ).size;
  await until(() => finished() === COUNT - 1, 'every user but the failing one muted', 30_000);
  const doneAt = Date.now();
  await waitForText(popup, `Finished: ${COUNT - 1} done, 1 failed.`);
  expect(
    await firefox.backgroundEval('globalThis.__muteConsoleOldBackground === undefined'),
    'a new background page finished the job',
  ).toBe(true);
  expect(
    await popup.evaluate(
      () =>
        [...document.querySelectorAll('tr')]
          .map((row) => row.innerText)
          .find((text) => text.includes('user_0250')) ?? null,
    ),
  ).toContain('Tencent Cloud Chat had a temporary problem (code 130014)');

  await popup.locator(aria('button', 'Retry the 1 failed')).click();
  await waitForText(popup, `Finished: ${COUNT} done, 0 failed.`);

  // Every user muted for a day; muted more than once only if the stopped page had the request
  // in flight (its answer, if any, was lost with the page).
  const peak = emulator.peakPerSecond(APP);
  const sent = new Map<string, number>();
  for (const request of sets().filter((r) => r.errorCode === 0)) {
    const user = (request.body as { Set_Account?: string }).Set_Account ?? '';
    sent.set(user, (sent.get(user) ?? 0) + 1);
  }
  const resent = [...sent].filter(([, count]) => count > 1).map(([user]) => user);
  console.log(
    `bulk (Firefox): event page stopped at request ${atStop} (${stop.attempts} terminateBackground call(s), state ${stop.state}), ${inFlight.size} in flight, ${resent.length} re-sent, resumed after ${resumedAfterMs} ms, peak ${peak}/s, ${sets().length} setnospeaking requests; ms: set-up ${setUpAt - started}, dry run ${checkedAt - setUpAt}, run ${doneAt - checkedAt}, retry ${Date.now() - doneAt}, total ${Date.now() - started}`,
  );
  expect(peak).toBeLessThanOrEqual(200);
  expect([...sent.keys()].sort()).toEqual(users);
  expect(resent.filter((user) => !inFlight.has(user))).toEqual([]);
  expect(Math.max(...sent.values())).toBeLessThanOrEqual(2);
  for (const user of users) {
    const state = emulator.muteState(APP, user);
    expect(state.c2c > 86_000 && state.group > 86_000, `${user} is muted for a day`).toBe(true);
  }

  await firefox.flushConsole();
  expect(firefox.consoleErrors).toEqual([]);
});
