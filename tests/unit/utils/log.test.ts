import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, redact, setSecretSource } from '../../../utils/log';

describe('the redacting logger', () => {
  afterEach(() => {
    setSecretSource(() => []);
  });

  it('removes secrets in memory, usersig query values, UserSig-shaped and 64-hex strings', () => {
    setSecretSource(() => ['my-app-secret']);
    const text = [
      'key my-app-secret leaked',
      'https://adminapisgp.im.qcloud.com/v4/x?sdkappid=1&usersig=eJyrVkrOLCjITFWyMjQwMzAwMjDSUUrOL8hRspJKLUvM',
      'eJyrVkrOLCjITFWyMjQwMzAwMjDSUUrOL8hRspJKLUvMKCjITFWyMjQwMzAwMjDSUUrOL8hRsp',
      '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e',
    ].join('\n');
    const out = redact(text);
    expect(out).not.toContain('my-app-secret');
    expect(out).not.toContain('eJyrVkrOLCjITFWyMjQwMzAw');
    expect(out).not.toContain('5bd2850fff3ecb11');
    expect(out).toContain('usersig=[redacted]');
    expect(out).toContain('sdkappid=1');
  });

  it('redacts what it logs, details included', () => {
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => {});
    setSecretSource(() => ['hunter2-secret']);
    createLogger('test').warn('failed', new Error('with hunter2-secret inside'));
    expect(spy).toHaveBeenCalledWith(
      '[mute-console:test]',
      'failed: Error: with [redacted] inside',
    );
  });
});
