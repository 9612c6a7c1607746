import type { RequestType } from '../../utils/messages/protocol';

/** Who is talking to the worker. */
export type SenderKind = 'extension-page' | 'content-script';

/** The parts of `runtime.MessageSender` the policy looks at. */
export interface SenderInfo {
  id?: string;
  url?: string;
  origin?: string;
  tab?: unknown;
  frameId?: number;
}

export interface SenderContext {
  extensionId: string;
  /** e.g. "chrome-extension://abc…" with no trailing slash. */
  extensionOrigin: string;
  /** Whether page buttons are enabled on this page (a site matches its URL). */
  isEnabledPage: (url: string) => boolean;
}

/**
 * Classifies a sender, or returns null for anyone we do not serve: another extension, a
 * subframe, a page on an origin the operator has not enabled.
 */
export function classifySender(sender: SenderInfo, context: SenderContext): SenderKind | null {
  if (sender.id !== context.extensionId || typeof sender.url !== 'string') return null;
  const origin = originOf(sender.url);
  if (origin === null) return null;
  if (sender.origin !== undefined && sender.origin !== origin) return null;
  if (origin === context.extensionOrigin) return 'extension-page';
  if (sender.tab && sender.frameId === 0 && context.isEnabledPage(sender.url)) {
    return 'content-script';
  }
  return null;
}

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    // Built by hand: URL.origin is "null" for chrome-extension: outside Chromium. Host-less
    // URLs (file:, data:, javascript:) have no origin we serve.
    return parsed.host === '' ? null : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

const PAGES: readonly SenderKind[] = ['extension-page'];
const CONTENT: readonly SenderKind[] = ['content-script'];

/** Which senders may make each request. Anything touching secrets or the vault is pages-only. */
export const SENDER_POLICY: { [K in RequestType]: readonly SenderKind[] } = {
  'vault.status': PAGES,
  'vault.create': PAGES,
  'vault.unlock': PAGES,
  'vault.lock': PAGES,
  'vault.changePassphrase': PAGES,
  'vault.export': PAGES,
  'vault.import': PAGES,
  'vault.forget': PAGES,
  'profiles.save': PAGES,
  'profiles.delete': PAGES,
  'profiles.setDefault': PAGES,
  'profiles.testConnection': PAGES,
  'mute.state': PAGES,
  'mute.apply': PAGES,
  'mute.undo': PAGES,
  'activeMutes.list': PAGES,
  'activeMutes.refresh': PAGES,
  'bulk.start': PAGES,
  'bulk.status': PAGES,
  'bulk.apply': PAGES,
  'bulk.retryFailed': PAGES,
  'bulk.cancel': PAGES,
  'bulk.clear': PAGES,
  'audit.list': PAGES,
  'audit.health': PAGES,
  'delivery.get': PAGES,
  'delivery.save': PAGES,
  'delivery.remove': PAGES,
  'delivery.retry': PAGES,
  'delivery.test': PAGES,
  'storage.problems': PAGES,
  'storage.reset': PAGES,
  'page.config': CONTENT,
  'page.states': CONTENT,
  'page.apply': CONTENT,
  'page.undo': CONTENT,
  'page.requestUnlock': CONTENT,
  'page.requestAccess': CONTENT,
  'sites.list': PAGES,
  'sites.save': PAGES,
  'sites.remove': PAGES,
  'picker.start': PAGES,
  'picker.save': CONTENT,
  'quickAction.get': PAGES,
  'quickAction.run': PAGES,
  'quickAction.cancel': PAGES,
  'settings.get': PAGES,
  'settings.update': PAGES,
};

/**
 * Requests a page makes by itself (config and state lookups on load, on navigation, while
 * scrolling; Options following the delivery queue): they never count as the operator being there, so a page cannot keep the vault
 * unlocked. Every other request is an operator's action (an extension page, a page-button
 * action, the picker) and moves the auto-lock's idle timer.
 */
const AUTOMATIC: ReadonlySet<RequestType> = new Set([
  'page.config',
  'page.states',
  // Options follows the delivery queue live, re-reading it each time the queue is written.
  'delivery.get',
]);

export function movesIdleTimer(type: RequestType): boolean {
  return !AUTOMATIC.has(type);
}
