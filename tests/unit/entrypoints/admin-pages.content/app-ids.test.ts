/** @vitest-environment happy-dom */
import { describe, expect, it } from 'vitest';
import { detectAppIds } from '../../../../entrypoints/admin-pages.content/app-ids';

describe('detectAppIds', () => {
  it('reads the SDKAppID from URL parameters, a hash route and page text, best first', () => {
    document.body.innerHTML =
      '<header>App: SDKAppID：1400299871</header><p>Other: sdk app id 1400000001</p>';
    expect(
      detectAppIds(
        document,
        'https://console.tencentcloud.com/im/account?sdkappid=1400187352#/list?SdkAppId=1400111111',
      ),
    ).toEqual([1400187352, 1400111111, 1400299871, 1400000001]);
  });

  it('ignores numbers that cannot be an SDKAppID', () => {
    document.body.innerHTML = '<p>SDKAppID: 12</p>';
    expect(detectAppIds(document, 'https://x/?appid=99999999999')).toEqual([]);
  });
});
