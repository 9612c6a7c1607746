import type { Settings } from '../../utils/settings';
import type { ValidatedItem } from '../../utils/storage/validated-item';
import type { AutoLock } from './auto-lock';
import type { ChatService } from './chat-service';
import type { VaultService } from './vault-service';

/** What the handlers work with; built once in the background's main(). */
export interface Services {
  vault: VaultService;
  chat: ChatService;
  autoLock: AutoLock;
  settings: ValidatedItem<Settings>;
  /** Whether the extension holds host access to a URL pattern (custom endpoints). */
  hasHostAccess: (pattern: string) => Promise<boolean>;
  now: () => number;
}
