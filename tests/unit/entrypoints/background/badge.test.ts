import { describe, expect, it } from 'vitest';
import { updateBadge, type BadgeDeps } from '../../../../entrypoints/background/badge';
import type { ActiveMute } from '../../../../utils/mute/active-mute';

const NOW = Date.UTC(2026, 11, 1, 12);

function recordingBadge() {
  const shown = { text: '', color: '', title: '' };
  const deps: BadgeDeps = {
    setText: async (text) => void (shown.text = text),
    setColor: async (color) => void (shown.color = color),
    setTitle: async (title) => void (shown.title = title),
    alarms: { create: () => {}, clear: () => true },
    now: () => NOW,
  };
  return { deps, shown };
}

const muted: ActiveMute = {
  profileId: 'demo',
  sdkAppId: 1400187352,
  userId: 'alice',
  state: { c2c: { kind: 'timed', until: NOW + 600_000 }, group: { kind: 'none' } },
  reason: '',
  appliedAt: NOW,
  source: 'popup',
  changedElsewhere: false,
  checkedAt: null,
};

describe('toolbar badge', () => {
  it('counts the active mutes of the current app', async () => {
    const { deps, shown } = recordingBadge();
    await updateBadge(deps, [muted, { ...muted, userId: 'bob' }], 'demo');
    expect(shown).toEqual({ text: '2', color: '#b42318', title: 'Mute Console' });
  });

  it('shows an amber "!" and says why while the audit log cannot be written', async () => {
    const { deps, shown } = recordingBadge();
    await updateBadge(deps, [muted], 'demo', true);
    expect(shown).toEqual({
      text: '!',
      color: '#b54708',
      title: 'Mute Console: the audit log cannot be written',
    });
    await updateBadge(deps, [muted], 'demo', false);
    expect(shown.text).toBe('1');
  });
});
