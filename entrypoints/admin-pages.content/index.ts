import { defineContentScript } from '#imports';
import { CONSOLE_HOSTS } from '../../utils/sites/console-hosts';
import { configureZod } from '../../utils/zod-setup';
import { AdminPage } from './AdminPage';

/**
 * Mute buttons next to user IDs on admin pages. Declared for Tencent's console; the background
 * registers the same script at run time for the operator's own sites once access is granted.
 */
export default defineContentScript({
  matches: CONSOLE_HOSTS.map((host) => `https://${host}/*`),
  // From the start of the page: the bundle is evaluated and the site list read while the page
  // parses, so the first screen of IDs gets its buttons in the page's first frames.
  runAt: 'document_start',
  cssInjectionMode: 'manual',
  main(ctx) {
    // The background may inject this again into a page that already runs it (after the picker).
    const flag = window as { __muteConsoleAdminPage?: boolean };
    if (flag.__muteConsoleAdminPage) return;
    flag.__muteConsoleAdminPage = true;
    configureZod();
    void new AdminPage(ctx).start();
  },
});
