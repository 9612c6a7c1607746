import type { EffectiveSettings, Settings } from '../../utils/settings';
import type { OrgPolicy } from './org-policy';
import type { ValidatedItem } from '../../utils/storage/validated-item';
import type { ActiveMutes } from './active-mutes';
import type { AuditDelivery } from './audit-delivery';
import type { AuditLog } from './audit-log';
import type { AutoLock } from './auto-lock';
import type { BulkRunner } from './bulk-runner';
import type { ChatService } from './chat-service';
import type { MuteService } from './mute-service';
import type { PickerLauncher } from './picker';
import type { QuickActions } from './quick-actions';
import type { Sites } from './sites';
import type { UndoStore } from './undo-store';
import type { KeyValueArea, VaultService } from './vault-service';

/** What the handlers work with; built once in the background's main(). */
export interface Services {
  vault: VaultService;
  chat: ChatService;
  autoLock: AutoLock;
  /** The operator's stored settings (what Options changes). */
  settings: ValidatedItem<Settings>;
  policy: OrgPolicy;
  /** The settings in force: the operator's, the organisation's policy applied. */
  effectiveSettings: () => Promise<EffectiveSettings>;
  mute: MuteService;
  registry: ActiveMutes;
  undo: UndoStore;
  audit: AuditLog;
  delivery: AuditDelivery;
  bulk: BulkRunner;
  sites: Sites;
  quickActions: QuickActions;
  picker: PickerLauncher;
  session: KeyValueArea;
  /** Whether the browser gives the extension access to every one of these host patterns. */
  hasHostAccess: (origins: string[]) => Promise<boolean>;
  /** Rebuilds the selection menu (after the presets change). */
  refreshMenus: () => Promise<void>;
  /** Redraws the toolbar badge (after the current app changes). */
  refreshBadge: () => Promise<void>;
  now: () => number;
}
