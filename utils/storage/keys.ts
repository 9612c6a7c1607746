/**
 * Every key Mute Console stores, declared once: its area, its name, the version of its shape
 * where WXT keeps one, and the one module that writes it. Every writer is in the background
 * worker; pages and content scripts change data through messages and only read or watch a few
 * keys by these names. No side effects at import: any context may import this.
 *
 * `repairable` parts can be reset on their own from the options page when they stop fitting their
 * schema ("reset this part"), keeping the vault; the others repair themselves or hold nothing
 * worth more than a lock (the audit log skips what it cannot read and rebuilds its index).
 */
export const STORED = {
  // storage.local
  vault: { area: 'local', key: 'vault', writer: 'background/vault-service.ts' },
  vaultNext: { area: 'local', key: 'vaultNext', writer: 'background/vault-service.ts' },
  vaultChangeInterrupted: {
    area: 'local',
    key: 'vaultChangeInterrupted',
    writer: 'background/vault-service.ts',
  },
  settings: {
    area: 'local',
    key: 'settings',
    version: 4,
    writer: 'background/settings-store.ts',
    repairable: true,
  },
  sites: {
    area: 'local',
    key: 'sites',
    version: 1,
    writer: 'background/sites.ts',
    repairable: true,
  },
  /** Stored as JSON text (utils/json-text.ts); the array an earlier version wrote reads too. */
  activeMutes: {
    area: 'local',
    key: 'activeMutes',
    version: 1,
    writer: 'background/active-mutes.ts',
    repairable: true,
  },
  auditIndex: { area: 'local', key: 'auditIndex', writer: 'background/audit-log.ts' },
  auditPageList: { area: 'local', key: 'auditPageList', writer: 'background/audit-log.ts' },
  /** `auditPage.<n>`: one page of audit records. */
  auditPage: { area: 'local', key: 'auditPage.', prefix: true, writer: 'background/audit-log.ts' },
  /** The audit delivery's queue, as JSON text (utils/audit/delivery.ts). */
  auditOutbox: { area: 'local', key: 'auditOutbox', writer: 'background/audit-delivery.ts' },
  /** How far the stored queue has drained (written at each delivery, the queue itself seldom). */
  auditOutboxHead: {
    area: 'local',
    key: 'auditOutboxHead',
    writer: 'background/audit-delivery.ts',
  },
  /** Version 1 of the audit log (one array, WXT's version under `auditLog$`): migrated, removed. */
  legacyAuditLog: { area: 'local', key: 'auditLog', writer: 'background/audit-log.ts' },
  // storage.session (trusted contexts only)
  vaultSession: { area: 'session', key: 'vaultSession', writer: 'background/vault-service.ts' },
  unlockFailures: {
    area: 'session',
    key: 'unlockFailures',
    writer: 'background/vault-service.ts',
  },
  autoLockDeadline: {
    area: 'session',
    key: 'autoLockDeadline',
    writer: 'background/auto-lock.ts',
  },
  /** Stored as JSON text (utils/json-text.ts). */
  bulkJob: { area: 'session', key: 'bulkJob', writer: 'background/bulk-runner.ts' },
  undoRecords: {
    area: 'session',
    key: 'undoRecords',
    writer: 'background/undo-store.ts',
    repairable: true,
  },
  quickAction: { area: 'session', key: 'quickAction', writer: 'background/quick-actions.ts' },
  quickActionWindow: {
    area: 'session',
    key: 'quickActionWindow',
    writer: 'background/quick-actions.ts',
  },
  pendingPicker: { area: 'session', key: 'pendingPicker', writer: 'background/picker.ts' },
  /** `progress:<request id>`: retry progress of a request while it runs. */
  progress: { area: 'session', key: 'progress:', prefix: true, writer: 'background/handlers' },
} as const;

export type StoredPart = keyof typeof STORED;

/** The parts the options page can reset on their own. */
export const REPAIRABLE_PARTS = ['settings', 'sites', 'activeMutes', 'undoRecords'] as const;
export type RepairablePart = (typeof REPAIRABLE_PARTS)[number];

/** WXT's name for a versioned item, e.g. `local:settings`. */
export function wxtKey(part: 'settings' | 'sites' | 'activeMutes'): `local:${string}` {
  return `local:${STORED[part].key}`;
}
