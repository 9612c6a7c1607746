import { t } from '../../utils/i18n';
import { stillActive, type ActiveMute } from '../../utils/mute/active-mute';
import { remainingSeconds } from '../../utils/mute/state';
import { PERMANENT_SECONDS } from '../../utils/mute/durations';

export const BADGE_ALARM = 'badge-refresh';

export interface BadgeDeps {
  setText(text: string): Promise<void>;
  setColor(color: string): Promise<void>;
  setTitle(title: string): Promise<void>;
  alarms: {
    create(name: string, info: { when: number }): void | Promise<void>;
    clear(name: string): unknown;
  };
  now: () => number;
}

/**
 * The toolbar badge: how many mutes the extension applied are still active for the current app,
 * or "!" in amber while the audit log cannot be written (the title says so).
 */
export async function updateBadge(
  deps: BadgeDeps,
  entries: readonly ActiveMute[],
  profileId: string | null,
  auditFailing = false,
): Promise<void> {
  const now = deps.now();
  const active = stillActive(entries, now).filter((e) => e.profileId === profileId);
  await deps.setColor(auditFailing ? '#b54708' : '#b42318');
  await deps.setTitle(t(auditFailing ? 'audit_badgeTitle' : 'extName'));
  await deps.setText(
    auditFailing
      ? '!'
      : active.length === 0
        ? ''
        : active.length > 999
          ? '999+'
          : String(active.length),
  );
  // Wake up when the next one ends, so the count drops by itself.
  const nextEnd = Math.min(
    ...active.flatMap((e) =>
      (['c2c', 'group'] as const)
        .map((scope) => remainingSeconds(e.state[scope], now))
        .filter((left) => left > 0 && left !== PERMANENT_SECONDS)
        .map((left) => now + left * 1000),
    ),
  );
  await deps.alarms.clear(BADGE_ALARM);
  if (Number.isFinite(nextEnd)) await deps.alarms.create(BADGE_ALARM, { when: nextEnd + 500 });
}
