import { asides, labelled, t } from '../i18n';
import { durationText } from './duration-text';
import { PERMANENT_SECONDS } from './durations';
import { isMuted, remainingSeconds, type MuteState, type ScopeState } from './state';

function describeScope(scope: ScopeState, nowMs: number): string {
  const left = remainingSeconds(scope, nowMs);
  if (left === 0) return t('state_notMuted');
  if (left === PERMANENT_SECONDS) return t('state_permanent');
  return t('state_left', durationText(left));
}

/** "Not muted", or per scope: "One-to-one: muted, 1 hr 12 min left · Group: not muted". */
export function describeState(state: MuteState, nowMs: number): string {
  if (!isMuted(state, nowMs)) return t('state_notMutedAtAll');
  const c2c = describeScope(state.c2c, nowMs);
  const group = describeScope(state.group, nowMs);
  if (c2c === group) return t('state_bothScopes', c2c);
  return asides([labelled(t('scope_c2c'), c2c), labelled(t('scope_group'), group)]);
}
