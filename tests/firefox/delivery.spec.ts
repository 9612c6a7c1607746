import { RECEIVER_SECRET, startAuditReceiver, type AuditReceiver } from '../support/audit-receiver';
import {
  addApp,
  aria,
  createVault,
  field,
  pickDuration,
  setDeliveryDestination,
  textOf,
  until,
  waitForText,
} from '../support/firefox-operator';
import type { LaunchedFirefox } from '../support/firefox';
import { DEMO_APP_INPUT } from '../support/operator';
import { expect, test } from './fixtures';

// Audit delivery in the production Firefox build: the destination saved in Options (Firefox
// grants the host from the Save click), a popup mute delivered signed to a receiver at a real
// host name through the proxy, an outage kept in the queue and delivered once it is over.

let receiver: AuditReceiver;
test.beforeAll(async () => {
  receiver = await startAuditReceiver();
});
test.afterAll(async () => {
  await receiver.close();
});

async function muteFromPopup(firefox: LaunchedFirefox, userId: string): Promise<void> {
  const popup = await firefox.openPage('popup.html');
  await (await field(popup, 'User ID')).asLocator().fill(userId);
  await waitForText(popup, 'Not muted');
  await pickDuration(popup, '10 min');
  await popup.locator(aria('button', `Mute ${userId}`)).click();
  await waitForText(popup, `Muted ${userId} for 10 min`);
  await popup.close();
}

test('JSON delivery: signed entries reach the receiver, and an outage loses none', async ({
  launch,
}) => {
  const firefox = await launch({ extraHostPorts: { 'audit.corp.example': receiver.port } });
  const options = await firefox.waitForPage('options.html');
  await createVault(options);
  await addApp(options, DEMO_APP_INPUT);
  await setDeliveryDestination(
    options,
    'JSON (signed)',
    'https://audit.corp.example/audit',
    RECEIVER_SECRET,
  );
  await waitForText(options, 'Delivering to audit.corp.example (JSON (signed)).');

  await muteFromPopup(firefox, 'alice');
  await until(() => receiver.acceptedIds().length === 1, 'the first entry delivered');

  receiver.mode = { kind: 'status', status: 502 };
  await muteFromPopup(firefox, 'bob');
  // Options shows the outage as it happens.
  expect(await textOf(options, '#delivery-state', /Last error: HTTP 502/)).toContain('1 waiting.');
  receiver.mode = { kind: 'up' };
  await until(() => receiver.acceptedIds().length === 2, 'the waiting entry delivered', 30_000);
  const users = (receiver.accepted('/audit') as Array<{ entry: { userId: string } }>).map(
    (b) => b.entry.userId,
  );
  expect(users).toEqual(['alice', 'bob']);
  expect(receiver.deliveries.some((d) => d.verdict === 'bad-signature')).toBe(false);
});
