import { PERMANENT_SECONDS } from '../mute/durations';
import { durationText } from '../mute/duration-text';
import { keyPart, t, type MessageKey } from '../i18n';
import type { AppError } from './app-error';

/** What the operator reads: what happened, and what to do about it. */
export interface ErrorText {
  message: string;
  advice: string;
}

/** Turns any request failure into plain words in the UI language. */
export function describeError(error: AppError): ErrorText {
  switch (error.kind) {
    case 'chat-api': {
      const category = keyPart(error.error.category);
      // The code, or the host a `no-host-access` names.
      const detail =
        error.error.access?.host ?? (error.error.code === null ? '' : String(error.error.code));
      return {
        message: t(`apiError_${category}` as MessageKey, detail),
        advice: t(`apiAdvice_${category}` as MessageKey),
      };
    }
    case 'vault': {
      const problem = keyPart(error.problem);
      const wait =
        error.retryAfterMs === undefined ? '' : durationText(Math.ceil(error.retryAfterMs / 1000));
      return {
        message: t(`vaultError_${problem}` as MessageKey, wait),
        advice: t(`vaultAdvice_${problem}` as MessageKey, wait),
      };
    }
    case 'invalid-input': {
      const key = `inputProblem_${keyPart(error.field)}` as MessageKey;
      const specific = t(key);
      return {
        message: specific === key ? t('requestError_invalidInput', error.field) : specific,
        advice: t('requestAdvice_invalidInput'),
      };
    }
    case 'policy':
      return { message: policyWords(error), advice: t('policy_advice') };
    case 'not-found':
      return { message: t('requestError_notFound'), advice: t('requestAdvice_notFound') };
    case 'needs-confirmation':
      return {
        message: t('requestError_needsConfirmation'),
        advice: t('requestAdvice_needsConfirmation'),
      };
    case 'stored-data-unreadable':
      return {
        message: t('requestError_storedDataUnreadable'),
        advice: t('requestAdvice_storedDataUnreadable'),
      };
    case 'audit-unwritable':
      return {
        message: t(error.quota ? 'requestError_auditFull' : 'requestError_auditUnwritable'),
        advice: t('requestAdvice_auditUnwritable'),
      };
    case 'too-fast':
      return { message: t('requestError_tooFast'), advice: t('requestAdvice_tooFast') };
    case 'permission-denied':
      return {
        message: t('requestError_permissionDenied'),
        advice: t('requestAdvice_permissionDenied'),
      };
    case 'invalid-request':
    case 'internal':
      return { message: t('requestError_internal'), advice: t('requestAdvice_internal') };
  }
}

/** What the organisation's policy refused, in words (the decision's refusals use these too). */
export function policyWords(error: Extract<AppError, { kind: 'policy' }>): string {
  switch (error.rule) {
    case 'protected-id':
      return t('policy_refuseProtected');
    case 'permanent-not-allowed':
      return t('policy_refusePermanent');
    case 'backup-export':
      return t('policy_refuseBackupExport');
    case 'site':
      return t('policy_refuseSite', error.host ?? '');
    case 'longer-than-allowed': {
      const longest = error.longestSeconds ?? PERMANENT_SECONDS;
      return t('policy_refuseLonger', durationText(longest));
    }
  }
}
