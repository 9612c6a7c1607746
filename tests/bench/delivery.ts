import type { Page } from 'playwright-core';
import { RECEIVER_SECRET, type AuditReceiver, type ReceiverMode } from '../support/audit-receiver';
import { allowSiteAccess, type LaunchedExtension } from '../support/browser';
import { generatedUsers } from '../support/demo-seed';
import { prepareBulk, setDeliveryDestination } from '../support/operator';
import { timeRequest, type RemoteEmulator } from './remote-emulator';
import { traceWorker } from './worker-trace';

/** The team's collector, at a real-looking host name mapped to the in-process receiver. */
export const COLLECTOR_HOST = 'audit.corp.example';

export interface DeliveryFigures {
  /** Popup Mute click → the API request: no destination set. */
  withoutDestination: number[];
  /** The same with a JSON destination whose host resets every connection. */
  destinationDown: number[];
  /** The same with a destination that never answers (each delivery waits out its timeout). */
  destinationHanging: number[];
  drain: {
    entries: number;
    seconds: number;
    perSecond: number;
    longestWorkerTask: number;
  };
}

/**
 * Audit delivery's two targets (issue 19): a click → request that a delivery destination does
 * not slow (measured without one, then with one down, in the same run), and a queue of JSON
 * deliveries built while the destination was down (a bulk run) draining at the receiver's pace
 * once it is back, with the worker's thread traced for its longest task.
 */
export async function deliveryFigures(
  extension: LaunchedExtension,
  emulator: RemoteEmulator,
  receiver: AuditReceiver,
  sizes: { clicks: number; drainIds: number },
  options: { profile?: boolean } = {},
): Promise<DeliveryFigures> {
  const withoutDestination = await popupClicks(extension, emulator, sizes.clicks);

  await allowSiteAccess(extension, `https://${COLLECTOR_HOST}/*`);
  const page = await extension.openPage('options.html');
  await setDeliveryDestination(
    page,
    'JSON (signed)',
    `https://${COLLECTOR_HOST}/audit`,
    RECEIVER_SECRET,
  );
  receiver.mode = { kind: 'down' };
  const destinationDown = await popupClicks(extension, emulator, sizes.clicks);
  receiver.mode = { kind: 'hang' };
  const destinationHanging = await popupClicks(extension, emulator, sizes.clicks);
  // What the clicks queued goes first, so the drain below starts from an empty queue.
  await drained(page, receiver, { kind: 'up' });

  receiver.mode = { kind: 'down' };
  const popup = await extension.openPage('popup.html');
  const users = generatedUsers(sizes.drainIds);
  const confirm = await prepareBulk(popup, users);
  await confirm.click();
  await popup.getByText(/^Finished: /).waitFor({ timeout: 120_000 });
  await popup.close();
  await page
    .locator('#delivery-state')
    .getByText(`${users.length.toLocaleString('en')} waiting.`, { exact: false })
    .waitFor({ timeout: 30_000 });

  const before = receiver.acceptedIds().length;
  const endTrace = await traceWorker(extension.context, page, extension.extensionId, options);
  const t0 = Date.now();
  await drained(page, receiver, { kind: 'up' });
  const seconds = (Date.now() - t0) / 1000;
  const trace = await endTrace();
  if (trace.hot) {
    console.log(
      `delivery drain profile (longest task ${Math.round(trace.longestTask)} ms), self time:`,
    );
    for (const [where, list] of Object.entries(trace.hot)) {
      console.log(`  ${where}:`);
      for (const f of list) console.log(`    ${f.selfMs.toFixed(1).padStart(8)} ms  ${f.name}`);
    }
  }
  const entries = receiver.acceptedIds().length - before;
  await page.close();
  return {
    withoutDestination,
    destinationDown,
    destinationHanging,
    drain: { entries, seconds, perSecond: entries / seconds, longestWorkerTask: trace.longestTask },
  };
}

/** Popup Mute click → the emulator's setnospeaking, `runs` times, with the worker warm. */
async function popupClicks(
  extension: LaunchedExtension,
  emulator: RemoteEmulator,
  runs: number,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const popup = await extension.openPage('popup.html');
    await popup.getByLabel('User ID').fill('carol');
    await popup.locator('#mute-state[data-state="known"]').waitFor();
    out.push(
      await timeRequest(emulator, () => popup.getByRole('button', { name: 'Mute carol' }).click()),
    );
    await popup.close();
  }
  return out;
}

/** Sets the receiver's mode, presses "Try now" and waits until nothing is waiting. */
async function drained(options: Page, receiver: AuditReceiver, mode: ReceiverMode): Promise<void> {
  receiver.mode = mode;
  const section = options.getByRole('region', { name: 'Audit delivery' });
  const retry = section.getByRole('button', { name: 'Try now' });
  if (await retry.isVisible()) await retry.click();
  await section
    .locator('#delivery-state')
    .getByText(/Nothing waiting/)
    .waitFor({ timeout: 120_000 });
}
