import {
  RECEIVER_HOSTS,
  RECEIVER_SECRET,
  startAuditReceiver,
  type AuditReceiver,
} from '../support/audit-receiver';
import { allowSiteAccess, stopServiceWorker, type LaunchedExtension } from '../support/browser';
import { generatedUsers } from '../support/demo-seed';
import {
  muteForTenMinutes,
  openPopup,
  pickDuration,
  setDeliveryDestination,
} from '../support/operator';
import { expect, PASSPHRASE, setUpDemoApp, test } from './fixtures';

/**
 * Audit delivery through the production build: the destination set in Options (host access
 * asked from the Save click), entries sent to a receiver at the real host names, signed and
 * checked; an outage and its recovery with nothing lost; a duplicate refused by id; a bad
 * signature detected; a bulk run summarised once for Slack.
 */

let receiver: AuditReceiver;
test.beforeAll(async () => {
  receiver = await startAuditReceiver();
});
test.afterAll(async () => {
  await receiver.close();
});
test.beforeEach(() => {
  receiver.mode = { kind: 'up' };
  receiver.deliveries.length = 0;
});

/** A browser whose receiver host names lead to the receiver, the operator ready to allow them. */
async function launchWithReceiver(
  launch: (options?: { extraHostPorts?: Record<string, number> }) => Promise<LaunchedExtension>,
) {
  const extension = await launch({
    extraHostPorts: Object.fromEntries(RECEIVER_HOSTS.map((host) => [host, receiver.port])),
  });
  for (const host of RECEIVER_HOSTS) await allowSiteAccess(extension, `https://${host}/*`);
  return extension;
}

test('JSON: each mute reaches the receiver signed, with its id; nothing is lost through an outage, a lock and a worker restart', async ({
  launch,
}) => {
  const extension = await launchWithReceiver(launch);
  const options = await setUpDemoApp(extension);
  await options.getByLabel('Moderator name').fill('mod-night-1');
  await options.getByRole('button', { name: 'Save name' }).click();
  await setDeliveryDestination(
    options,
    'JSON (signed)',
    'https://audit.corp.example/audit',
    RECEIVER_SECRET,
  );
  const section = options.getByRole('region', { name: 'Audit delivery' });
  await expect(
    section.getByText('Delivering to audit.corp.example (JSON (signed)).'),
  ).toBeVisible();

  await muteForTenMinutes(extension, 'alice');
  await expect.poll(() => receiver.acceptedIds().length).toBe(1);
  const [first] = receiver.accepted('/audit') as Array<{
    type: string;
    entry: Record<string, unknown>;
  }>;
  expect(first).toMatchObject({
    type: 'mute-console.audit-entry',
    version: 1,
    entry: {
      userId: 'alice',
      moderator: 'mod-night-1',
      outcome: 'ok',
      seconds: 600,
      source: 'popup',
    },
  });
  expect(receiver.acceptedIds()[0]).toBe(first!.entry.id);

  // The destination goes down: mutes still go through at once, and the entries wait.
  receiver.mode = { kind: 'status', status: 503 };
  await muteForTenMinutes(extension, 'bob');
  await muteForTenMinutes(extension, 'carol');
  await expect(section.locator('#delivery-state')).toContainText('2 waiting.');
  await expect(section.locator('#delivery-state')).toContainText('Last error: HTTP 503 at');

  // Locked, and the worker stopped: the destination (in the vault) is not known, so nothing
  // goes, even with the receiver back; the queue is in storage.
  await options.getByRole('button', { name: 'Lock', exact: true }).click();
  const restarted = await stopServiceWorker(extension, options);
  receiver.mode = { kind: 'up' };
  await options.waitForTimeout(4000);
  expect(receiver.acceptedIds()).toHaveLength(1);

  // Unlocked: everything arrives, in order, each once.
  await options.getByLabel('Passphrase').fill(PASSPHRASE);
  await options.getByRole('button', { name: 'Unlock' }).click();
  await expect.poll(() => receiver.acceptedIds().length, { timeout: 30_000 }).toBe(3);
  expect(await restarted()).toBe(true);
  const users = (receiver.accepted('/audit') as Array<{ entry: { userId: string } }>).map(
    (b) => b.entry.userId,
  );
  expect(users).toEqual(['alice', 'bob', 'carol']);
  await expect(section.locator('#delivery-state')).toContainText('Nothing waiting; 3 delivered.');
});

test('a lost answer is sent again and refused by id; a bad signature is detected and fixed from Options', async ({
  launch,
}) => {
  const extension = await launchWithReceiver(launch);
  const options = await setUpDemoApp(extension);
  const section = options.getByRole('region', { name: 'Audit delivery' });
  // A key the receiver does not have: every delivery is refused, and Options says so.
  await setDeliveryDestination(
    options,
    'JSON (signed)',
    'https://audit.corp.example/audit',
    'not-the-receivers-key-0123456789',
  );
  await muteForTenMinutes(extension, 'dave');
  await expect(section.locator('#delivery-state')).toContainText('Last error: HTTP 401 at');
  expect(receiver.deliveries.map((d) => d.verdict)).toContain('bad-signature');
  expect(receiver.acceptedIds()).toEqual([]);

  // The key fixed (the URL left empty keeps the one saved): the waiting entry goes.
  await section.getByLabel('Signing key').fill(RECEIVER_SECRET);
  await section.getByRole('button', { name: 'Save destination' }).click();
  await expect.poll(() => receiver.acceptedIds().length, { timeout: 15_000 }).toBe(1);

  // The receiver takes the next entry but its answer is lost: the extension sends it again,
  // the receiver refuses the repeat by its Idempotency-Key, and the entry counts as delivered.
  receiver.mode = { kind: 'lose-answer' };
  await muteForTenMinutes(extension, 'erin');
  await expect(section.locator('#delivery-state')).toContainText('Nothing waiting; 2 delivered.', {
    timeout: 15_000,
  });
  const erin = receiver.deliveries.filter(
    (d) => (d.body as { entry?: { userId?: string } }).entry?.userId === 'erin',
  );
  expect(erin.map((d) => d.verdict)).toEqual(['accepted', 'duplicate']);
  expect(erin[0]!.headers['idempotency-key']).toBe(erin[1]!.headers['idempotency-key']);
  expect(receiver.acceptedIds()).toHaveLength(2);
});

test('Slack and Discord: bad addresses refused, a mute as a sentence, a bulk run as one message, a test on demand', async ({
  launch,
}) => {
  const extension = await launchWithReceiver(launch);
  const options = await setUpDemoApp(extension);
  await options.getByLabel('Moderator name').fill('mod-night-1');
  await options.getByRole('button', { name: 'Save name' }).click();
  const section = options.getByRole('region', { name: 'Audit delivery' });
  await section.getByLabel('Format').selectOption({ label: 'Slack' });
  for (const [url, message] of [
    ['http://hooks.slack.com/services/T0/B0/x', 'Use an https:// address'],
    ['hooks.slack.com/services', 'Enter the destination’s full address'],
  ] as const) {
    await section.getByLabel('Destination URL').fill(url);
    await section.getByRole('button', { name: 'Save destination' }).click();
    await expect(section.locator('#delivery-error')).toContainText(message.replace('’', "'"));
  }
  await expect(section.getByText('Entries are not delivered anywhere.')).toBeVisible();
  await setDeliveryDestination(options, 'Slack', 'https://hooks.slack.com/slack/T000/B000/XXXX');

  const popup = await openPopup(extension);
  await popup.getByLabel('User ID').fill('spammer_01');
  await pickDuration(popup, '1 hr');
  await popup.getByLabel('Reason (optional, for the audit log)').fill('spam links <!channel>');
  await popup.getByRole('button', { name: 'Mute spammer_01' }).click();
  await expect(popup.getByText(/^Muted spammer_01/)).toBeVisible();
  await expect.poll(() => receiver.accepted('/slack/').length).toBe(1);
  expect(receiver.accepted('/slack/')[0]).toEqual({
    text: 'mod-night-1 muted spammer_01 for 1 hr in Demo community (PROD): spam links &lt;!channel&gt;',
    mrkdwn: false,
  });

  await popup.getByRole('tab', { name: 'Bulk' }).click();
  await popup.getByLabel('User IDs').fill(generatedUsers(5).join('\n'));
  await pickDuration(popup, '1 day');
  await popup.getByRole('button', { name: 'Check them first (dry run)' }).click();
  await popup.getByRole('button', { name: 'Apply to 5 users' }).click();
  await popup.getByRole('alertdialog').getByRole('button', { name: 'Apply to 5 users' }).click();
  await expect(popup.getByText('Finished: 5 done, 0 failed.')).toBeVisible({ timeout: 20_000 });
  await expect.poll(() => receiver.accepted('/slack/').length, { timeout: 10_000 }).toBe(2);
  expect(receiver.accepted('/slack/')[1]).toEqual({
    text: 'mod-night-1 muted 5 users for 1 day in Demo community (PROD)',
    mrkdwn: false,
  });
  // One message for the run: none per user, even after a while.
  await popup.waitForTimeout(2500);
  expect(receiver.accepted('/slack/')).toHaveLength(2);

  // "Send a test" checks the webhook at once.
  await section.getByRole('button', { name: 'Send a test' }).click();
  await expect(section.locator('#delivery-feedback')).toContainText(/Test delivered in \d+ ms\./);
  expect(receiver.accepted('/slack/').at(-1)).toEqual({
    text: 'Mute Console test message from mod-night-1: audit entries will arrive here.',
    mrkdwn: false,
  });

  // Discord: the same sentence as `content`, Markdown taken literally, no mention resolved.
  await setDeliveryDestination(options, 'Discord', 'https://discord.com/discord/1/token');
  await popup.getByRole('tab', { name: 'Mute' }).click();
  await popup.getByLabel('User ID').fill('spammer_02');
  await popup.getByLabel('Reason (optional, for the audit log)').fill('@everyone raid');
  await popup.getByRole('button', { name: 'Mute spammer_02' }).click();
  await expect(popup.getByText(/^Muted spammer_02/)).toBeVisible();
  await expect.poll(() => receiver.accepted('/discord/').length).toBe(1);
  expect(receiver.accepted('/discord/')[0]).toEqual({
    content:
      'mod\\-night\\-1 muted spammer\\_02 for 1 hr in Demo community \\(PROD\\): @everyone raid',
    allowed_mentions: { parse: [] },
    flags: 4,
  });
});
