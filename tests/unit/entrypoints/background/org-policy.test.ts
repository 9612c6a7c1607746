import { describe, expect, it } from 'vitest';
import { OrgPolicy } from '../../../../entrypoints/background/org-policy';
import { NO_POLICY_VIEW } from '../../../../utils/policy/policy';

describe('OrgPolicy', () => {
  it('reads the policy once, and again when the browser says it changed', async () => {
    let stored: unknown = { version: 1, longestAutoLockMinutes: 10 };
    let reads = 0;
    const policy = new OrgPolicy(async () => {
      reads++;
      return stored;
    });
    const told: string[] = [];
    policy.onChange(() => told.push('changed'));
    expect((await policy.current()).rules.longestAutoLockMinutes).toBe(10);
    await policy.current();
    expect(reads).toBe(1);
    stored = { version: 1, longestAutoLockMinutes: 5 };
    await policy.changed();
    expect((await policy.current()).rules.longestAutoLockMinutes).toBe(5);
    expect(told).toEqual(['changed']);
  });

  it('is no policy when the browser has no managed storage (Firefox without policies.json)', async () => {
    const policy = new OrgPolicy(() =>
      Promise.reject(new Error('Managed storage manifest not found')),
    );
    expect(await policy.current()).toEqual(NO_POLICY_VIEW);
  });
});
