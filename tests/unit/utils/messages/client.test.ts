import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { sendRequest } from '../../../../utils/messages/client';
import { RequestFailed } from '../../../../utils/messages/app-error';

const locked = { state: 'locked', profiles: [], defaultProfileId: null, changeInterrupted: null };

/** The worker's reply, as it arrives from runtime.sendMessage. */
function replyWith(reply: unknown) {
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue(reply);
}

async function failure(): Promise<unknown> {
  try {
    await sendRequest({ type: 'vault.status' });
  } catch (error) {
    return error instanceof RequestFailed ? error.error : error;
  }
  throw new Error('the request did not fail');
}

describe('sendRequest', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('parses the JSON text of an answer and validates it', async () => {
    replyWith({ ok: true, json: JSON.stringify(locked) });
    expect(await sendRequest({ type: 'vault.status' })).toEqual(locked);
  });

  it('an answer that is not JSON, or of the wrong shape, or the old object form: internal', async () => {
    for (const reply of [
      { ok: true, json: '{"state":' },
      { ok: true, json: JSON.stringify({ state: 'open' }) },
      { ok: true, data: locked },
    ]) {
      replyWith(reply);
      expect(await failure(), JSON.stringify(reply)).toEqual({ kind: 'internal' });
    }
  });

  it("passes the worker's error on as data", async () => {
    replyWith({ ok: false, error: { kind: 'not-found' } });
    expect(await failure()).toEqual({ kind: 'not-found' });
  });
});
