import { t, uiLocale } from '../i18n';
import { PERMANENT_SECONDS, formatDuration } from './durations';
import { isMuted, remainingSeconds, type MuteState, type ScopeState } from './state';

function describeScope(scope: ScopeState, nowMs: number): string {
  const left = remainingSeconds(scope, nowMs);
  if (left === 0) return t('state_notMuted');
  if (left === PERMANENT_SECONDS) return t('state_permanent');
  return t('state_left', formatDuration(left, uiLocale()));
}

/** "Not muted", or per scope: "One-to-one: muted, 1 hr 12 min left · Group: not muted". */
export function describeState(state: MuteState, nowMs: number): string {
  if (!isMuted(state, nowMs)) return t('state_notMutedAtAll');
  const c2c = describeScope(state.c2c, nowMs);
  const group = describeScope(state.group, nowMs);
  if (c2c === group) return t('state_bothScopes', c2c);
  return `${t('scope_c2c')}: ${c2c} · ${t('scope_group')}: ${group}`;
}
