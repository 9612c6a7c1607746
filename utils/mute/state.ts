import * as z from 'zod/mini';
import { PERMANENT_SECONDS } from './durations';
import type { Scopes } from './scopes';

/** One scope's global mute: none, permanent, or until a moment (epoch ms). */
export const ScopeStateSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('permanent') }),
  z.strictObject({ kind: z.literal('timed'), until: z.number() }),
]);
export type ScopeState = z.infer<typeof ScopeStateSchema>;

/** Both scopes of one user's global mute. */
export const MuteStateSchema = z.strictObject({ c2c: ScopeStateSchema, group: ScopeStateSchema });
export type MuteState = z.infer<typeof MuteStateSchema>;

export const NOT_MUTED: MuteState = { c2c: { kind: 'none' }, group: { kind: 'none' } };
export const SCOPE_NAMES = ['c2c', 'group'] as const;
export type ScopeName = (typeof SCOPE_NAMES)[number];

/** A scope's state from the API's seconds (getnospeaking answers remaining seconds). */
export function scopeFromSeconds(seconds: number, nowMs: number): ScopeState {
  if (seconds === 0) return { kind: 'none' };
  if (seconds === PERMANENT_SECONDS) return { kind: 'permanent' };
  return { kind: 'timed', until: nowMs + seconds * 1000 };
}

/** Seconds left: 0 when not (or no longer) muted, PERMANENT_SECONDS when permanent. */
export function remainingSeconds(scope: ScopeState, nowMs: number): number {
  if (scope.kind === 'none') return 0;
  if (scope.kind === 'permanent') return PERMANENT_SECONDS;
  return Math.max(0, Math.ceil((scope.until - nowMs) / 1000));
}

export function isScopeMuted(scope: ScopeState, nowMs: number): boolean {
  return remainingSeconds(scope, nowMs) > 0;
}

export function isMuted(state: MuteState, nowMs: number): boolean {
  return isScopeMuted(state.c2c, nowMs) || isScopeMuted(state.group, nowMs);
}

/** The state after applying `seconds` to the chosen scopes; the others keep theirs. */
export function applySeconds(
  state: MuteState,
  scopes: Scopes,
  seconds: number,
  nowMs: number,
): MuteState {
  const next = scopeFromSeconds(seconds, nowMs);
  return { c2c: scopes.c2c ? next : state.c2c, group: scopes.group ? next : state.group };
}

/** How far a read's end of a timed mute may sit from the one meant: whole seconds, and a clock. */
const TOOK_EFFECT_SLACK_MS = 3000;

/**
 * Whether an action whose answer was lost took effect, from the state read at `readAt`: each
 * scope it set reads as it meant (a timed mute ending between the end it meant at `at` and that
 * end moved by the time since, the action having been sent somewhere in between). Null when
 * the read cannot tell: a timed mute it meant has run out by now.
 */
export function tookEffect(
  intent: { at: number; scopes: Scopes; next: MuteState },
  read: MuteState,
  readAt: number,
): boolean | null {
  for (const scope of SCOPE_NAMES) {
    if (!intent.scopes[scope]) continue;
    const meant = intent.next[scope];
    const got = read[scope];
    if (meant.kind === 'timed') {
      const latest = meant.until + (readAt - intent.at) + TOOK_EFFECT_SLACK_MS;
      if (latest <= readAt) return null;
      if (
        got.kind !== 'timed' ||
        got.until < meant.until - TOOK_EFFECT_SLACK_MS ||
        got.until > latest
      )
        return false;
    } else if (got.kind !== meant.kind) return false;
  }
  return true;
}
