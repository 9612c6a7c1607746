import { useEffect, useState } from 'preact/hooks';
import { LockIcon, usePolicy } from './PolicySection';
import { sitePermitted } from '../../utils/policy/policy';
import { askForAccess, hasSiteAccess } from '../../components/host-access';
import { useSend } from '../../components/background';
import { ErrorNotice } from '../../components/ErrorNotice';
import { asides, listText, t } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';
import { originOfPattern, type Finder, type Site } from '../../utils/sites/site';
import { USER_ID_HEADER_FORMS } from '../../utils/sites/user-id-header';
import type { ProfileMeta } from '../../utils/vault/profile';

/** Admin pages with buttons: the console (built in) and the operator's own sites. */
export function SitesSection({ profiles }: { profiles: readonly ProfileMeta[] }) {
  const send = useSend();
  const [sites, setSites] = useState<Site[] | null>(null);
  const [access, setAccess] = useState<Record<string, boolean>>({});
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const policy = usePolicy();

  async function show(list: Site[]) {
    setSites(list);
    const granted: Record<string, boolean> = {};
    for (const site of list) {
      const origin = originOfPattern(site.pattern);
      // Built-in console sites too: Firefox lets the operator withhold their access.
      granted[site.id] = origin !== null && (await hasSiteAccess(origin));
    }
    setAccess(granted);
  }

  useEffect(() => {
    send({ type: 'sites.list' }).then(show, (e: unknown) => setError(asAppError(e)));
  }, [send]);

  async function save(site: Site) {
    setError(null);
    try {
      await show(await send({ type: 'sites.save', site }));
    } catch (e) {
      setError(asAppError(e));
    }
  }

  function grant(site: Site) {
    const origin = originOfPattern(site.pattern);
    if (!origin) return;
    void askForAccess([origin]).then(async () => show(await send({ type: 'sites.list' })));
  }

  return (
    <section class="card" aria-labelledby="sites-title">
      <h2 id="sites-title">{t('sites_title')}</h2>
      <p class="hint">{t('sites_hint')}</p>
      <ul class="profile-list">
        {sites?.map((site) => (
          <li class="profile-card" key={site.id} aria-label={site.label}>
            <div class="profile-head">
              <strong>{site.label}</strong>
              {site.builtIn && <span class="badge">{t('sites_builtIn')}</span>}
              {!access[site.id] && <span class="badge">{t('sites_noAccess')}</span>}
            </div>
            {policy && !sitePermitted(site, policy.rules) && (
              <p class="hint">
                <LockIcon /> {t('policy_siteBlocked')}
              </p>
            )}
            <p class="profile-meta">
              <code>{site.pattern}</code>
              {t('join_aside', ['', describeFinder(site.finder)])}
            </p>
            <div class="actions">
              <label class="check">
                <input
                  type="checkbox"
                  checked={site.enabled}
                  onChange={(e) => void save({ ...site, enabled: e.currentTarget.checked })}
                />
                {t('sites_enabled')}
              </label>
              <label class="check">
                <input
                  type="checkbox"
                  checked={site.hoverOnly}
                  onChange={(e) => void save({ ...site, hoverOnly: e.currentTarget.checked })}
                />
                {t('sites_hoverOnly')}
              </label>
              <label class="check">
                {t('sites_app')}
                <select
                  value={site.profileId ?? ''}
                  onChange={(e) => void save({ ...site, profileId: e.currentTarget.value || null })}
                >
                  <option value="">{t('sites_defaultApp')}</option>
                  {profiles.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.label}
                    </option>
                  ))}
                </select>
              </label>
              {!access[site.id] && (
                <button type="button" class="secondary small" onClick={() => grant(site)}>
                  {t('access_allow')}
                </button>
              )}
              {!site.builtIn && (
                <button
                  type="button"
                  class="danger small"
                  aria-label={t('sites_removeLabel', site.label)}
                  onClick={() =>
                    void send({ type: 'sites.remove', id: site.id }).then(show, (e: unknown) =>
                      setError(asAppError(e)),
                    )
                  }
                >
                  {t('profiles_delete')}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      {error && <ErrorNotice error={error} />}
      {adding ? (
        <SiteForm
          onCancel={() => setAdding(false)}
          onSave={(site) => {
            const origin = originOfPattern(site.pattern);
            // Host access is requested from this click, before anything else awaits.
            const granted = origin ? askForAccess([origin]) : Promise.resolve(false);
            void granted.then(async () => {
              await save(site);
              setAdding(false);
            });
          }}
        />
      ) : (
        <button type="button" class="secondary" onClick={() => setAdding(true)}>
          {t('sites_add')}
        </button>
      )}
    </section>
  );
}

function describeFinder(finder: Finder): string {
  if (finder.kind === 'column')
    return finder.header === undefined
      ? t('sites_finderColumn')
      : t('sites_finderColumnRegex', finder.header);
  const base =
    finder.source === 'attribute'
      ? t('sites_finderAttribute', [finder.selector, finder.attribute ?? ''])
      : t('sites_finderText', finder.selector);
  return finder.regex ? asides([base, `/${finder.regex}/`]) : base;
}

/** A new operator site: its URL pattern and how to find IDs on it. */
function SiteForm({ onSave, onCancel }: { onSave: (site: Site) => void; onCancel: () => void }) {
  const [label, setLabel] = useState('');
  const [pattern, setPattern] = useState('https://');
  const [kind, setKind] = useState<'column' | 'selector'>('selector');
  const [selector, setSelector] = useState('');
  const [attribute, setAttribute] = useState('');
  const [regex, setRegex] = useState('');
  const [header, setHeader] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  function submit(event: Event) {
    event.preventDefault();
    const origin = originOfPattern(pattern.trim());
    if (!origin) return setProblem(t('sites_badPattern'));
    let finder: Finder;
    try {
      if (kind === 'column') {
        // Empty: the header forms that name the UserID.
        if (header.trim()) new RegExp(header, 'i');
        finder = header.trim() ? { kind: 'column', header } : { kind: 'column' };
      } else {
        document.createDocumentFragment().querySelector(selector);
        if (regex) new RegExp(regex);
        finder = {
          kind: 'selector',
          selector: selector.trim(),
          source: attribute.trim() ? 'attribute' : 'text',
          ...(attribute.trim() ? { attribute: attribute.trim() } : {}),
          ...(regex ? { regex } : {}),
        };
      }
    } catch {
      return setProblem(t('sites_badFinder'));
    }
    if (kind === 'selector' && selector.trim() === '') return setProblem(t('sites_badFinder'));
    setProblem(null);
    onSave({
      id: crypto.randomUUID(),
      label: label.trim() || new URL(origin.replace('/*', '/').replace('*.', 'x.')).hostname,
      pattern: pattern.trim(),
      pathPrefixes: [],
      finder,
      profileId: null,
      enabled: true,
      hoverOnly: false,
      builtIn: false,
    });
  }

  return (
    <form class="profile-form" onSubmit={submit} noValidate>
      <div class="field">
        <label for="site-label">{t('sites_label')}</label>
        <input id="site-label" value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="site-pattern">{t('sites_pattern')}</label>
        <input
          id="site-pattern"
          value={pattern}
          onInput={(e) => setPattern(e.currentTarget.value)}
          placeholder="https://admin.example.com/*"
        />
      </div>
      <fieldset class="field">
        <legend>{t('sites_finder')}</legend>
        <label class="check">
          <input
            type="radio"
            name="site-kind"
            checked={kind === 'selector'}
            onChange={() => setKind('selector')}
          />
          {t('sites_kindSelector')}
        </label>
        <label class="check">
          <input
            type="radio"
            name="site-kind"
            checked={kind === 'column'}
            onChange={() => setKind('column')}
          />
          {t('sites_kindColumn')}
        </label>
      </fieldset>
      {kind === 'selector' ? (
        <>
          <div class="field">
            <label for="site-selector">{t('sites_selector')}</label>
            <input
              id="site-selector"
              value={selector}
              onInput={(e) => setSelector(e.currentTarget.value)}
              placeholder=".member[data-uid]"
            />
          </div>
          <div class="field">
            <label for="site-attribute">{t('sites_attribute')}</label>
            <input
              id="site-attribute"
              value={attribute}
              onInput={(e) => setAttribute(e.currentTarget.value)}
              placeholder="data-uid"
            />
          </div>
          <div class="field">
            <label for="site-regex">{t('sites_regex')}</label>
            <input
              id="site-regex"
              value={regex}
              onInput={(e) => setRegex(e.currentTarget.value)}
              placeholder="ID: (\\S+)"
            />
          </div>
        </>
      ) : (
        <div class="field">
          <label for="site-header">{t('sites_header')}</label>
          <input
            id="site-header"
            value={header}
            onInput={(e) => setHeader(e.currentTarget.value)}
            placeholder={asides(USER_ID_HEADER_FORMS.slice(0, 4))}
            aria-describedby="site-header-hint"
          />
          <p class="hint" id="site-header-hint">
            {t('sites_headerHint', listText(USER_ID_HEADER_FORMS))}
          </p>
        </div>
      )}
      {problem && <p class="field-error">{problem}</p>}
      <p class="hint">{t('sites_pickerHint')}</p>
      <div class="actions">
        <button type="submit" class="primary">
          {t('sites_save')}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t('ui_cancel')}
        </button>
      </div>
    </form>
  );
}
