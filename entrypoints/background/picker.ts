import * as z from 'zod/mini';
import type { Finder } from '../../utils/sites/site';
import { ADMIN_PAGES_SCRIPT, type Sites } from './sites';
import { HandlerError } from './router';
import type { KeyValueArea } from './vault-service';
import { STORED } from '../../utils/storage/keys';

export const PICKER_SCRIPT = 'content-scripts/picker.js';
const PENDING_KEY = STORED.pendingPicker.key;
const PendingSchema = z.strictObject({ tabId: z.int(), origin: z.string() });

export interface PickerDeps {
  sites: Sites;
  session: KeyValueArea;
  hasOrigin: (pattern: string) => Promise<boolean>;
  inject: (tabId: number, file: string) => Promise<void>;
}

/**
 * "Buttons on this site": the popup creates the site and asks for host access from the click;
 * the picker goes into the tab once access is there, even if the permission prompt closed the
 * popup meanwhile (the grant arrives here as permissions.onAdded).
 */
export class PickerLauncher {
  constructor(private readonly deps: PickerDeps) {}

  async start(tabId: number, origin: string): Promise<void> {
    await this.deps.session.set({ [PENDING_KEY]: { tabId, origin } });
    await this.injectIfAllowed();
  }

  /** After any permission grant. */
  async injectIfAllowed(): Promise<void> {
    const pending = PendingSchema.safeParse(
      (await this.deps.session.get(PENDING_KEY))[PENDING_KEY],
    );
    if (!pending.success || !(await this.deps.hasOrigin(pending.data.origin))) return;
    await this.deps.session.remove(PENDING_KEY);
    await this.deps.inject(pending.data.tabId, PICKER_SCRIPT).catch(() => {});
  }

  /** Saves what the operator picked on the site the page belongs to, and starts the buttons there. */
  async save(url: string, tabId: number | undefined, finder: Finder): Promise<void> {
    const site = await this.deps.sites.forUrl(url);
    if (!site || site.builtIn) throw new HandlerError({ kind: 'permission-denied' });
    await this.deps.sites.save({ ...site, finder });
    if (tabId !== undefined) await this.deps.inject(tabId, ADMIN_PAGES_SCRIPT).catch(() => {});
  }
}
