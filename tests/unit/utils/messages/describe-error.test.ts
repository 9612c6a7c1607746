import { describe, expect, it } from 'vitest';
import { describeError } from '../../../../utils/messages/describe-error';

describe('describeError', () => {
  it('names the API code and says what to do', () => {
    expect(
      describeError({
        kind: 'chat-api',
        error: { category: 'wrong-region', code: 70020, attempts: 1 },
      }),
    ).toEqual({
      message: 'This app is not in that data centre (code 70020).',
      advice:
        "Check the region in this app's settings: it must be the data centre the app was created in.",
    });
  });

  it('says how long to wait after too many wrong passphrases', () => {
    expect(
      describeError({ kind: 'vault', problem: 'too-many-attempts', retryAfterMs: 4000 }).advice,
    ).toBe('Wait 4 sec, then try again. Nothing was deleted.');
  });

  it('explains a network failure without a code', () => {
    expect(
      describeError({ kind: 'chat-api', error: { category: 'network', code: null, attempts: 3 } })
        .message,
    ).toBe('Could not reach the Chat API.');
  });

  it('names the host it has no access to, and that nothing was sent', () => {
    const text = describeError({
      kind: 'chat-api',
      error: {
        category: 'no-host-access',
        code: null,
        attempts: 0,
        access: {
          host: 'adminapisgp.im.qcloud.com',
          origins: ['https://adminapisgp.im.qcloud.com/*'],
        },
      },
    });
    expect(text).toEqual({
      message: 'Mute Console has no access to adminapisgp.im.qcloud.com.',
      advice:
        "Nothing was sent. Select Allow access and accept the browser's prompt, then try again.",
    });
  });
});
