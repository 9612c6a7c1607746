import { describe, expect, it } from 'vitest';
import { NO_POLICY_VIEW } from '../../../../utils/policy/policy';
import { covers, decide, questionWords, type DecisionInput } from '../../../../utils/mute/decision';
import { PERMANENT_SECONDS, UNMUTE_SECONDS } from '../../../../utils/mute/durations';
import { NOT_MUTED, type MuteState } from '../../../../utils/mute/state';

const NOW = 1_700_000_000_000;
const HOUR = 3600;
const BOTH = { c2c: true, group: true };
const C2C = { c2c: true, group: false };
const GROUP = { c2c: false, group: true };
const PERMANENT: MuteState = { c2c: { kind: 'permanent' }, group: { kind: 'permanent' } };
const TWO_HOURS_C2C: MuteState = {
  c2c: { kind: 'timed', until: NOW + 2 * HOUR * 1000 },
  group: { kind: 'none' },
};
const EXPIRED: MuteState = {
  c2c: { kind: 'timed', until: NOW - 1000 },
  group: { kind: 'timed', until: NOW - 1 },
};

function input(
  over: Partial<DecisionInput> & { request: DecisionInput['request'] },
): DecisionInput {
  return {
    userId: 'spammer_01',
    state: NOT_MUTED,
    app: { environment: 'test', adminAccount: 'administrator' },
    rules: { confirmProduction: false, policy: NO_POLICY_VIEW },
    now: NOW,
    ...over,
  };
}

const mute = (seconds: number, scopes = BOTH) => ({ action: 'mute' as const, scopes, seconds });
const unmute = (scopes = BOTH) => ({ action: 'unmute' as const, scopes, seconds: UNMUTE_SECONDS });
const undo = (seconds: number, scopes = BOTH) => ({ action: 'undo' as const, scopes, seconds });

describe('the one mute decision', () => {
  it.each([
    ['a first mute on a test app', input({ request: mute(HOUR) }), { kind: 'act' }],
    [
      'lengthening a mute',
      input({ state: TWO_HOURS_C2C, request: mute(3 * HOUR) }),
      { kind: 'act' },
    ],
    [
      'an equal mute',
      input({ state: TWO_HOURS_C2C, request: mute(2 * HOUR, C2C) }),
      { kind: 'act' },
    ],
    [
      'shortening a permanent mute',
      input({ state: PERMANENT, request: mute(HOUR) }),
      {
        kind: 'ask',
        questions: ['shortens'],
        shortened: [
          { scope: 'c2c', before: PERMANENT_SECONDS, after: HOUR },
          { scope: 'group', before: PERMANENT_SECONDS, after: HOUR },
        ],
      },
    ],
    [
      'shortening one scope only: the other scope is not asked about',
      input({ state: TWO_HOURS_C2C, request: mute(600) }),
      {
        kind: 'ask',
        questions: ['shortens'],
        shortened: [{ scope: 'c2c', before: 2 * HOUR, after: 600 }],
      },
    ],
    [
      'a shorter mute on the scope that is not muted',
      input({ state: TWO_HOURS_C2C, request: mute(600, GROUP) }),
      { kind: 'act' },
    ],
    ['a mute that already expired', input({ state: EXPIRED, request: mute(60) }), { kind: 'act' }],
    [
      'permanent',
      input({ request: mute(PERMANENT_SECONDS) }),
      { kind: 'ask', questions: ['permanent'], shortened: [] },
    ],
    [
      'a production app with confirmation on',
      input({
        app: { environment: 'production', adminAccount: 'administrator' },
        rules: { confirmProduction: true, policy: NO_POLICY_VIEW },
        request: mute(HOUR),
      }),
      { kind: 'ask', questions: ['production'], shortened: [] },
    ],
    [
      'a production app with confirmation off',
      input({
        app: { environment: 'production', adminAccount: 'administrator' },
        request: mute(HOUR),
      }),
      { kind: 'act' },
    ],
    [
      'every reason at once, shortening first',
      input({
        state: PERMANENT,
        app: { environment: 'production', adminAccount: 'administrator' },
        rules: { confirmProduction: true, policy: NO_POLICY_VIEW },
        request: mute(600, C2C),
      }),
      {
        kind: 'ask',
        questions: ['shortens', 'production'],
        shortened: [{ scope: 'c2c', before: PERMANENT_SECONDS, after: 600 }],
      },
    ],
    [
      'an explicit unmute of a permanent mute says what it does, without asking',
      input({
        state: PERMANENT,
        app: { environment: 'production', adminAccount: 'administrator' },
        rules: { confirmProduction: true, policy: NO_POLICY_VIEW },
        request: unmute(),
      }),
      { kind: 'act' },
    ],
    ['an undo that shortens', input({ state: PERMANENT, request: undo(60) }), { kind: 'act' }],
    [
      'a mute with 0 seconds is an unmute',
      input({ state: PERMANENT, request: mute(UNMUTE_SECONDS) }),
      { kind: 'act' },
    ],
    [
      'the state could not be read: nothing is known to shorten',
      input({ state: null, request: mute(HOUR) }),
      { kind: 'act' },
    ],
    [
      'the app admin account',
      input({ userId: 'administrator', request: mute(HOUR) }),
      { kind: 'refuse', reason: 'admin-account' },
    ],
    [
      'the app admin account, even to unmute',
      input({ userId: 'administrator', request: unmute() }),
      { kind: 'refuse', reason: 'admin-account' },
    ],
    [
      'no scope chosen',
      input({ request: mute(HOUR, { c2c: false, group: false }) }),
      { kind: 'refuse', reason: 'no-scope' },
    ],
  ])('%s', (_name, given, expected) => {
    expect(decide(given)).toEqual(expected);
  });

  it('a yes covers the questions it answered, not new ones', () => {
    const asked = decide(input({ state: PERMANENT, request: mute(HOUR) }));
    expect(covers(['shortens'], asked)).toBe(true);
    expect(covers([], asked)).toBe(false);
    expect(covers(['permanent'], asked)).toBe(false);
    expect(covers([], decide(input({ request: mute(HOUR) })))).toBe(true);
  });

  it('says before → after for each scope it shortens', () => {
    const asked = decide(input({ state: PERMANENT, request: mute(HOUR) }));
    if (asked.kind !== 'ask') throw new Error('expected a question');
    expect(questionWords(asked, 'spammer_01', 'Demo community')).toEqual([
      "Shorten spammer_01's mute on Demo community? One-to-one: Permanent → 1 hr · Group: Permanent → 1 hr",
    ]);
  });
});
