import { describe, expect, it } from 'vitest';
import { PERMANENT_SECONDS } from '../../../../utils/mute/durations';
import {
  NOT_MUTED,
  applySeconds,
  isMuted,
  remainingSeconds,
  scopeFromSeconds,
} from '../../../../utils/mute/state';
import { describeState } from '../../../../utils/mute/describe-state';

const NOW = 1_700_000_000_000;
const both = { c2c: true, group: true };

describe('mute state', () => {
  it('reads the API seconds per scope', () => {
    expect(scopeFromSeconds(0, NOW)).toEqual({ kind: 'none' });
    expect(scopeFromSeconds(PERMANENT_SECONDS, NOW)).toEqual({ kind: 'permanent' });
    expect(scopeFromSeconds(7196, NOW)).toEqual({ kind: 'timed', until: NOW + 7_196_000 });
  });

  it('counts down and expires by itself', () => {
    const scope = scopeFromSeconds(60, NOW);
    expect(remainingSeconds(scope, NOW)).toBe(60);
    expect(remainingSeconds(scope, NOW + 59_500)).toBe(1);
    expect(remainingSeconds(scope, NOW + 60_000)).toBe(0);
    expect(isMuted({ c2c: scope, group: { kind: 'none' } }, NOW + 61_000)).toBe(false);
  });

  it('applies to the chosen scopes only', () => {
    const state = applySeconds(NOT_MUTED, { c2c: false, group: true }, 600, NOW);
    expect(state).toEqual({
      c2c: { kind: 'none' },
      group: { kind: 'timed', until: NOW + 600_000 },
    });
  });

  it('says the state in words', () => {
    expect(describeState(NOT_MUTED, NOW)).toBe('Not muted');
    expect(describeState(applySeconds(NOT_MUTED, both, 4320, NOW), NOW)).toBe(
      'One-to-one and group: muted, 1 hr 12 min left',
    );
    expect(
      describeState(applySeconds(NOT_MUTED, { c2c: false, group: true }, 4320, NOW), NOW),
    ).toBe('One-to-one: not muted · Group: muted, 1 hr 12 min left');
    expect(describeState(applySeconds(NOT_MUTED, both, PERMANENT_SECONDS, NOW), NOW)).toBe(
      'One-to-one and group: muted permanently',
    );
  });
});
