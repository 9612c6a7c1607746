import * as z from 'zod/mini';
import { durationText } from './duration-text';
import { asides, t } from '../i18n';
import type { AppError } from '../messages/app-error';
import { policyWords } from '../messages/describe-error';
import { protectedBy, type MuteLimits } from '../policy/policy';
import type { Environment } from '../vault/profile';
import { PERMANENT_SECONDS, UNMUTE_SECONDS } from './durations';
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

/**
 * Why a request is refused outright: the admin account, no scope, or the organisation's policy
 * (a protected ID, a mute longer than it allows, a permanent mute it does not allow).
 */
export const RefusalSchema = z.enum([
  'admin-account',
  'no-scope',
  'protected-id',
  'longer-than-allowed',
  'permanent-not-allowed',
]);
export type Refusal = z.infer<typeof RefusalSchema>;

export type Decision =
  | { kind: 'act' }
  | { kind: 'ask'; questions: Question[]; shortened: Shortened[] }
  | { kind: 'refuse'; reason: Refusal };

export type { MuteLimits };

/** The operator's confirmation setting (with the policy's applied), and the policy's limits. */
export interface MuteRules {
  confirmProduction: boolean;
  policy: { rules: MuteLimits };
}

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
  rules: MuteRules;
  now: number;
}

/**
 * What is refused whatever is in place (checked before reading any state). `seconds` is what
 * the request sets: an unmute (0) is never refused by the policy, a mute or an undo that
 * restores one is.
 */
export function refusal(
  userId: string,
  request: { scopes: Scopes; seconds: number },
  app: Pick<DecisionInput['app'], 'adminAccount'>,
  policy: MuteLimits,
): Refusal | null {
  if (userId === app.adminAccount) return 'admin-account';
  if (!request.scopes.c2c && !request.scopes.group) return 'no-scope';
  return policyRefusal(userId, request.seconds, policy);
}

/** The organisation's refusal of setting `seconds` on `userId`, if any. */
export function policyRefusal(userId: string, seconds: number, policy: MuteLimits): Refusal | null {
  if (seconds === UNMUTE_SECONDS) return null;
  if (protectedBy(userId, policy.protectedIds) !== null) return 'protected-id';
  return durationRefusal(seconds, policy);
}

/** The organisation's refusal of a mute this long, whoever it is for. */
export function durationRefusal(
  seconds: number,
  policy: MuteLimits,
): 'longer-than-allowed' | 'permanent-not-allowed' | null {
  if (seconds === UNMUTE_SECONDS) return null;
  if (seconds === PERMANENT_SECONDS && !policy.allowPermanentMutes) return 'permanent-not-allowed';
  // A permanent mute is longer than any limit.
  if (policy.longestMuteSeconds !== null && seconds > policy.longestMuteSeconds)
    return 'longer-than-allowed';
  return null;
}

/**
 * The duration presets the organisation allows: one it would refuse is not offered (in the
 * pickers, the popover, the selection menu), though the operator's list keeps it.
 */
export function presetsWithin<P extends { seconds: number }>(
  presets: readonly P[],
  policy: MuteLimits,
): P[] {
  return presets.filter((preset) => durationRefusal(preset.seconds, policy) === null);
}

export function decide(input: DecisionInput): Decision {
  const { request, app } = input;
  const refused = refusal(
    input.userId,
    {
      scopes: request.scopes,
      seconds: request.action === 'unmute' ? UNMUTE_SECONDS : request.seconds,
    },
    app,
    input.rules.policy.rules,
  );
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
  return seconds === PERMANENT_SECONDS ? t('duration_permanent') : durationText(seconds);
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
      const changes = asides(
        decision.shortened.map((s) =>
          t('confirm_shortensScope', [scopeName(s.scope), lasting(s.before), lasting(s.after)]),
        ),
      );
      return t('confirm_shortens', [userId, where, changes]);
    }
    if (question === 'permanent') return t('confirm_permanent', [userId, where]);
    return t('confirm_production', [userId, where]);
  });
}

/** A refusal of the organisation's policy, as the error the background answers with. */
export function policyError(
  reason: Exclude<Refusal, 'admin-account' | 'no-scope'>,
  longestMuteSeconds: number | null,
): Extract<AppError, { kind: 'policy' }> {
  return {
    kind: 'policy',
    rule: reason,
    ...(reason === 'longer-than-allowed' && longestMuteSeconds !== null
      ? { longestSeconds: longestMuteSeconds }
      : {}),
  };
}

/**
 * "Refused" in words, with the policy's longest mute for a duration it does not allow (a number,
 * not the policy object: a component passes it during render).
 */
export function refusalWords(reason: Refusal, longestMuteSeconds: number | null): string {
  switch (reason) {
    case 'admin-account':
      return t('mute_refuseAdmin');
    case 'no-scope':
      return t('scope_noneChosen');
    default:
      return policyWords(policyError(reason, longestMuteSeconds));
  }
}
