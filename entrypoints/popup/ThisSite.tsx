import { useEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import { useSend } from '../../components/background';
import { askForAccess, hasSiteAccess } from '../../components/host-access';
import { t } from '../../utils/i18n';
import { siteMatches, type Site } from '../../utils/sites/site';

interface TabInfo {
  id: number;
  url: string;
  origin: string;
}

/**
 * "Buttons on this site": turns page buttons on for the current tab's site, asking for host
 * access from this click, then lets the operator pick the IDs on the page. The background
 * finishes the job if the permission prompt closes the popup.
 */
export function ThisSite() {
  const send = useSend();
  const [tab, setTab] = useState<TabInfo | null>(null);
  const [site, setSite] = useState<Site | null | undefined>(undefined);
  /** Whether the browser gives us this site (Firefox lets the operator withhold it). */
  const [access, setAccess] = useState(true);

  useEffect(() => {
    void (async () => {
      const [active] = await browser.tabs
        .query({ active: true, currentWindow: true })
        .catch(() => []);
      if (active?.id === undefined || !active.url || !/^https?:/.test(active.url)) return;
      const url = new URL(active.url);
      const origin = `${url.protocol}//${url.hostname}/*`;
      setTab({ id: active.id, url: active.url, origin });
      setAccess(await hasSiteAccess(origin));
      const sites = await send({ type: 'sites.list' });
      setSite(sites.find((s) => s.enabled && siteMatches(s, active.url ?? '')) ?? null);
    })();
  }, [send]);

  if (!tab || site === undefined) return null;

  function pick(current: TabInfo) {
    void send({ type: 'picker.start', tabId: current.id, origin: current.origin }).then(() =>
      window.close(),
    );
  }

  function allow(current: TabInfo) {
    // Asked straight from the click; the page gets its buttons at its next load.
    void askForAccess([current.origin]).then(setAccess);
  }

  if (site && !access) {
    return (
      <div class="this-site">
        <p class="hint">{t('thisSite_noAccess', site.label)}</p>
        <div class="actions">
          <button type="button" class="secondary small" onClick={() => allow(tab)}>
            {t('access_allow')}
          </button>
        </div>
      </div>
    );
  }

  if (site) {
    return (
      <div class="this-site">
        <p class="hint">{t('thisSite_on', site.label)}</p>
        {!site.builtIn && (
          <div class="actions">
            <button type="button" class="secondary small" onClick={() => pick(tab)}>
              {t('thisSite_pick')}
            </button>
            <button
              type="button"
              class="secondary small"
              onClick={() =>
                void send({ type: 'sites.save', site: { ...site, enabled: false } }).then(() =>
                  setSite(null),
                )
              }
            >
              {t('thisSite_off')}
            </button>
          </div>
        )}
      </div>
    );
  }

  function enable(current: TabInfo) {
    // The permission request must come first, straight from the click.
    const granted = askForAccess([current.origin]);
    const hostname = new URL(current.url).hostname;
    void send({
      type: 'sites.save',
      site: {
        id: crypto.randomUUID(),
        label: hostname,
        pattern: current.origin,
        pathPrefixes: [],
        finder: { kind: 'column' },
        profileId: null,
        enabled: true,
        hoverOnly: false,
        builtIn: false,
      },
    })
      .then(() => send({ type: 'picker.start', tabId: current.id, origin: current.origin }))
      .then(() => granted)
      .then(() => window.close());
  }

  return (
    <div class="this-site">
      <button type="button" class="secondary small" onClick={() => enable(tab)}>
        {t('thisSite_enable')}
      </button>
    </div>
  );
}
