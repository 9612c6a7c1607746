import { render } from 'preact';
import { ButtonLayer } from '../admin-pages.content/button-layer';
import { Popover, type PopoverActions } from '../admin-pages.content/Popover';
import { SHADOW_CSS } from '../admin-pages.content/shadow-css';
import { uiLocale } from '../../utils/i18n';
import { DEFAULT_PRESETS } from '../../utils/mute/durations';
import { muteLimits, NO_POLICY } from '../../utils/policy/policy';
import type { PageConfig, StateView } from '../../utils/messages/protocol';
import { configureZod } from '../../utils/zod-setup';

/**
 * The test build's harness for what the content script draws on admin pages: the page
 * buttons and the popover, in open shadow roots (closed on real pages) so axe can check them.
 * `?show=buttons`, `?show=popover` or `?show=popover-locked`. Never part of the production
 * build (wxt.config.ts leaves this entrypoint out).
 */
configureZod();
document.documentElement.lang = uiLocale();
const show = new URLSearchParams(location.search).get('show') ?? 'popover';

const config: PageConfig = {
  site: null,
  app: {
    profileId: 'demo',
    label: 'Demo community',
    environment: 'production',
    sdkAppId: 1400187352,
    adminAccount: 'administrator',
  },
  locked: show === 'popover-locked',
  presets: [...DEFAULT_PRESETS],
  reasons: null,
  defaultScopes: { c2c: true, group: true },
  confirmProduction: true,
  policy: muteLimits(NO_POLICY),
};
const view: StateView = {
  state: { c2c: { kind: 'none' }, group: { kind: 'timed', until: Date.now() + 4_320_000 } },
  exists: true,
  readAt: Date.now(),
};
const never = <T,>() => new Promise<T>(() => {});
const actions: PopoverActions = {
  readState: () => Promise.resolve(view),
  knownState: () => view,
  apply: never,
  undo: never,
  unlock: never,
  requestAccess: never,
  onStateKnown: () => {},
  close: () => {},
};

if (show === 'buttons') {
  const layer = new ButtonLayer(
    () => {},
    () => {},
    () => {},
    'open',
  );
  const states = [
    ['spammer_01', 'free'],
    ['alice', 'muted'],
    ['bob', 'unknown'],
  ] as const;
  states.forEach(([userId, state], row) => {
    const button = layer.take(userId, state);
    button.style.transform = `translate(40px, ${140 + row * 40}px)`;
    button.classList.add('show');
  });
} else {
  const host = document.createElement('div');
  document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = SHADOW_CSS;
  const container = document.createElement('div');
  root.append(style, container);
  render(
    <Popover
      userId="spammer_01"
      config={config}
      fresh={Promise.resolve(null)}
      actions={actions}
      anchor={() => ({ left: 40, top: 140, right: 58, bottom: 158 })}
    />,
    container,
  );
}
