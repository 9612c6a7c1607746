import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { allRegionHosts } from './utils/chat-api/regions';

/** Loopback origins the demo and test build may reach over plain http (emulator, fixture pages). */
const LOOPBACK_ORIGINS = ['http://127.0.0.1/*', 'http://localhost/*'];

// The build mode decides what a build may talk to:
// - production (`wxt build`): the Chat API region hosts over HTTPS, nothing else until the
//   operator grants an origin at run time.
// - loopback (`wxt build --mode loopback`): the demo and test build. Production plus plain
//   http:// API endpoints and admin pages on 127.0.0.1/localhost (see utils/build-mode.ts).
export default defineConfig({
  imports: false,
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({
    plugins: [preact()],
  }),
  // The sources archive Firefox's reviewers rebuild from (`npm run zip:firefox`): the repository
  // without what local runs leave behind.
  zip: {
    excludeSources: [
      'test-results/**',
      'playwright-report/**',
      'demo-output/**',
      'bench-results/**',
      'dist/**',
    ],
  },
  hooks: {
    // The page-UI harness (entrypoints/ui-harness) is for the accessibility checks of the
    // demo/test build only: the production build never ships it.
    'entrypoints:resolved': (wxt, entrypoints) => {
      if (wxt.config.mode === 'loopback') return;
      const harness = entrypoints.findIndex((entrypoint) => entrypoint.name === 'ui-harness');
      if (harness >= 0) entrypoints.splice(harness, 1);
    },
  },
  manifest: ({ browser, mode }) => {
    const loopback = mode === 'loopback';
    return {
      name: '__MSG_extName__',
      description: '__MSG_extDescription__',
      default_locale: 'en',
      permissions: [
        'storage',
        'alarms',
        'idle',
        'scripting',
        'activeTab',
        'contextMenus',
        'notifications',
        // The audit log keeps up to 20,000 entries within its own 24 MiB budget
        // (utils/audit/pages.ts): more than the 10 MiB storage.local allows, which the vault shares.
        'unlimitedStorage',
      ],
      commands: {
        _execute_action: {
          suggested_key: { default: 'Alt+Shift+M' },
          description: '__MSG_command_openPopup__',
        },
        'mute-selection': {
          suggested_key: { default: 'Alt+Shift+U' },
          description: '__MSG_command_muteSelection__',
        },
      },
      host_permissions: [
        ...allRegionHosts().map((host) => `https://${host}/*`),
        ...(loopback ? LOOPBACK_ORIGINS : []),
      ],
      optional_host_permissions: ['https://*/*'],
      // No other extension or page may message us. Chrome only: Firefox does not know the key
      // and warns about it on every install.
      ...(browser === 'firefox' ? {} : { externally_connectable: { ids: [] } }),
      // The organisation's policy (storage.managed) is checked against this schema. Chrome only:
      // Firefox reads policies.json without one and warns about the key.
      ...(browser === 'firefox' ? {} : { storage: { managed_schema: 'managed-schema.json' } }),
      icons: { 16: 'icon/16.png', 32: 'icon/32.png', 48: 'icon/48.png', 128: 'icon/128.png' },
      action: { default_title: '__MSG_extName__' },
      ...(browser === 'firefox'
        ? {
            browser_specific_settings: {
              gecko: {
                id: 'mute-console@mute-console.dev',
                strict_min_version: '142.0',
                // Nothing leaves the browser except the operator's own Chat API calls.
                data_collection_permissions: { required: ['none'] },
              },
            },
          }
        : {}),
    };
  },
});
