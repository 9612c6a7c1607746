import { sentences, t } from '../utils/i18n';
import type { AppError } from '../utils/messages/app-error';
import { questionWords, type Decision, type Question } from '../utils/mute/decision';
import type { Environment } from '../utils/vault/profile';

/**
 * A question of the one decision (utils/mute/decision.ts) waiting for the operator's yes, as
 * the popup, the page popover and the action window show it in a ConfirmBox.
 */
export interface PendingQuestion {
  seconds: number;
  questions: Question[];
  message: string;
  confirmLabel: string;
}

/** "Demo community (PROD)": the app an action lands on, production said out loud. */
export function appWhere(app: { label: string; environment: Environment }): string {
  return app.environment === 'production' ? `${app.label} (${t('badge_prod')})` : app.label;
}

export function pendingQuestion(
  decision: Extract<Decision, { kind: 'ask' }>,
  seconds: number,
  userId: string,
  app: { label: string; environment: Environment },
): PendingQuestion {
  return {
    seconds,
    questions: decision.questions,
    message: sentences(questionWords(decision, userId, appWhere(app))),
    confirmLabel: decision.questions.includes('shortens')
      ? t('confirm_yesShorten')
      : t('confirm_yesMute'),
  };
}

/**
 * The background refused to act without a yes (the state changed since the page decided, or
 * the page could not know it): the same question, from its answer.
 */
export function pendingFromError(
  error: AppError,
  seconds: number,
  userId: string,
  app: { label: string; environment: Environment },
): PendingQuestion | null {
  if (error.kind !== 'needs-confirmation') return null;
  return pendingQuestion(
    { kind: 'ask', questions: error.questions, shortened: error.shortened },
    seconds,
    userId,
    app,
  );
}
