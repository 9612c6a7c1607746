import type { AuditEntry } from '../../../../utils/audit/entry';

export const NOW = Date.UTC(2026, 11, 2, 10, 42);

/** The example: mod-night-1 muted spammer_01 for 1 h in Demo community (PROD). */
export function auditEntry(extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: 'entry-1',
    at: NOW,
    profileId: 'demo',
    appLabel: 'Demo community',
    sdkAppId: 1400187352,
    environment: 'production',
    userId: 'spammer_01',
    action: 'mute',
    scopes: { c2c: true, group: true },
    previous: null,
    next: {
      c2c: { kind: 'timed', until: NOW + 3_600_000 },
      group: { kind: 'timed', until: NOW + 3_600_000 },
    },
    seconds: 3600,
    reason: 'spam links',
    source: 'popup',
    moderator: 'mod-night-1',
    outcome: 'ok',
    errorCode: null,
    ...extra,
  };
}
