import { HandlerError, type Handlers } from '../router';
import type { Services } from '../services';

type SiteHandlers = Pick<Handlers, 'sites.list' | 'sites.save' | 'sites.remove'>;

export function siteHandlers({ sites }: Services): SiteHandlers {
  return {
    'sites.list': () => sites.list(),
    async 'sites.save'({ site }) {
      const existing = (await sites.list()).find((s) => s.id === site.id);
      // A built-in site keeps its pattern and finder; only its switches change.
      if (site.builtIn !== (existing?.builtIn ?? false))
        throw new HandlerError({ kind: 'invalid-input', field: 'site' });
      const saved = existing?.builtIn
        ? {
            ...existing,
            enabled: site.enabled,
            hoverOnly: site.hoverOnly,
            profileId: site.profileId,
          }
        : site;
      if (!existing?.builtIn) checkFinder(site.finder);
      return sites.save(saved);
    },
    'sites.remove': ({ id }) => sites.remove(id),
  };
}

/** Refuses a selector or regex the page could not use, before it is stored. */
function checkFinder(finder: Parameters<Handlers['sites.save']>[0]['site']['finder']): void {
  try {
    if (finder.kind === 'column') {
      if (finder.header !== undefined) new RegExp(finder.header, 'i');
    } else if (finder.regex !== undefined) new RegExp(finder.regex);
  } catch {
    throw new HandlerError({ kind: 'invalid-input', field: 'regex' });
  }
}
