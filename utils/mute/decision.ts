import * as z from 'zod/mini';
import { t, uiLocale } from '../i18n';
import type { Environment } from '../vault/profile';
import { PERMANENT_SECONDS, UNMUTE_SECONDS, formatDuration } from './durations';
import type { Scopes } from './scopes';
import { SCOPE_NAMES, remainingSeconds, type MuteState, type ScopeName } from './state';

/**
 * The one rule book for every mute path (popup, page popover, selection menu, shortcut, action
 * window, bulk): given what is in place and what is asked, act, ask first, or refuse. Pure: the
 * background enforces it on every apply, and the pages call it only to show its question early.
 */

/** Why a request needs the operator's yes. */
export const QuestionSchema = z.enum(['shortens', 'permanent', 'production']);
export type Question = z.infer<typeof QuestionSchema>;

/** A scope whose mute would end sooner: seconds left now → seconds after (permanent = 4294967295). */
export const ShortenedSchema = z.strictObject({
  scope: z.enum(['c2c', 'group']),
  before: z.int().check(z.minimum(1)),
  after: z.int().check(z.minimum(0)),
});
export type Shortened = z.infer<typeof ShortenedSchema>;

export const RefusalSchema = z.enum(['admin-account', 'no-scope']);
export type Refusal = z.infer<typeof RefusalSchema>;

export type Decision =
  | { kind: 'act' }
  | { kind: 'ask'; questions: Question[]; shortened: Shortened[] }
  | { kind: 'refuse'; reason: Refusal };

export interface DecisionInput {
  userId: string;
  /**
   * `mute` sets a duration; `unmute` (an explicit Unmute) and `undo` (restoring what an action
   * replaced) say what they do but never ask: the operator chose to end or restore a mute.
   */
  request: { action: 'mute' | 'unmute' | 'undo'; scopes: Scopes; seconds: number };
  /** What is in place now; null when it could not be read (nothing is then known to shorten). */
  state: MuteState | null;
  app: { environment: Environment; adminAccount: string };
  rules: { confirmProduction: boolean };
  now: number;
}

/** What is refused whatever is in place (checked before reading any state). */
export function refusal(
  userId: string,
  scopes: Scopes,
  app: Pick<DecisionInput['app'], 'adminAccount'>,
): Refusal | null {
  if (userId === app.adminAccount) return 'admin-account';
  if (!scopes.c2c && !scopes.group) return 'no-scope';
  return null;
}

export function decide(input: DecisionInput): Decision {
  const { request, app } = input;
  const refused = refusal(input.userId, request.scopes, app);
  if (refused) return { kind: 'refuse', reason: refused };
  if (request.action !== 'mute' || request.seconds === UNMUTE_SECONDS) return { kind: 'act' };
  const shortened = shortenedScopes(input.state, request.scopes, request.seconds, input.now);
  const questions: Question[] = [];
  if (shortened.length > 0) questions.push('shortens');
  if (request.seconds === PERMANENT_SECONDS) questions.push('permanent');
  if (app.environment === 'production' && input.rules.confirmProduction)
    questions.push('production');
  return questions.length === 0 ? { kind: 'act' } : { kind: 'ask', questions, shortened };
}

/** Whether the operator's yes covers every question asked now (the state may have changed). */
export function covers(confirmed: readonly Question[], decision: Decision): boolean {
  return decision.kind !== 'ask' || decision.questions.every((q) => confirmed.includes(q));
}

function shortenedScopes(
  state: MuteState | null,
  scopes: Scopes,
  seconds: number,
  now: number,
): Shortened[] {
  if (!state) return [];
  const out: Shortened[] = [];
  for (const scope of SCOPE_NAMES) {
    const before = remainingSeconds(state[scope], now);
    if (scopes[scope] && before > seconds) out.push({ scope, before, after: seconds });
  }
  return out;
}

function lasting(seconds: number): string {
  return seconds === PERMANENT_SECONDS
    ? t('duration_permanent')
    : formatDuration(seconds, uiLocale());
}

function scopeName(scope: ScopeName): string {
  return t(scope === 'c2c' ? 'scope_c2c' : 'scope_group');
}

/**
 * The question in words, every reason in one sentence each, shortening first with its exact
 * before → after per scope: "Shorten spammer_01's mute on Demo community (PROD)? One-to-one:
 * Permanent → 1 hr · Group: Permanent → 1 hr".
 */
export function questionWords(
  decision: Extract<Decision, { kind: 'ask' }>,
  userId: string,
  where: string,
): string[] {
  return decision.questions.map((question) => {
    if (question === 'shortens') {
      const changes = decision.shortened
        .map((s) =>
          t('confirm_shortensScope', [scopeName(s.scope), lasting(s.before), lasting(s.after)]),
        )
        .join(t('list_separator'));
      return t('confirm_shortens', [userId, where, changes]);
    }
    if (question === 'permanent') return t('confirm_permanent', [userId, where]);
    return t('confirm_production', [userId, where]);
  });
}

/** "Refused" in words. */
export function refusalWords(reason: Refusal): string {
  return reason === 'admin-account' ? t('mute_refuseAdmin') : t('scope_noneChosen');
}
