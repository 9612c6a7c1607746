import { parseDestinationUrl } from '../../utils/audit/destination';
import { durationText } from '../../utils/mute/duration-text';
import { useEffect, useState } from 'preact/hooks';
import { useSend } from '../../components/background';
import { asides, keyPart, listText, numberText, t, type MessageKey } from '../../utils/i18n';
import type { VaultStatus } from '../../utils/messages/protocol';
import type { PolicyRules, PolicyView, PolicyWarning, RuleKey } from '../../utils/policy/policy';
import { ProfileForm } from './ProfileForm';

/**
 * Everything the organisation's policy sets, read-only: each value with a lock and a line of
 * explanation, the policy's problems (and that the strictest value applies), and the apps it
 * set up, each waiting for its secret key. Nothing shows without a policy.
 */
export function PolicySection({
  policy,
  status,
  onChange,
}: {
  policy: PolicyView;
  status: VaultStatus;
  onChange: () => Promise<void>;
}) {
  if (!policy.managed) return null;
  const { rules, setKeys, warnings } = policy;
  return (
    <section class="card" aria-labelledby="policy-title">
      <h2 id="policy-title">
        <LockIcon /> {t('policy_title')}
      </h2>
      <p class="hint">{t('policy_hint')}</p>
      {warnings.length > 0 && (
        <div class="notice warning" role="alert">
          <p>{t('policy_warningsTitle')}</p>
          <ul>
            {warnings.map((w, i) => (
              <li key={i}>{warningWords(w)}</li>
            ))}
          </ul>
        </div>
      )}
      <dl class="policy-values">
        {setKeys
          .filter((key) => key !== 'apps')
          .map((key) => (
            <div key={key} class="policy-value">
              <dt>
                <LockIcon /> {t(`policy_rule_${key}` as MessageKey)}
              </dt>
              <dd>{ruleWords(key, rules)}</dd>
            </div>
          ))}
      </dl>
      {/* With no app yet, the first-app step shows them instead. */}
      {status.state === 'unlocked' && status.profiles.length > 0 && rules.apps.length > 0 && (
        <ManagedApps apps={rules.apps} status={status} onChange={onChange} />
      )}
    </section>
  );
}

/** The apps the organisation set up: added ones say so, the others take their secret key. */
export function ManagedApps({
  apps,
  status,
  onChange,
}: {
  apps: PolicyRules['apps'];
  status: VaultStatus;
  onChange: () => Promise<void>;
}) {
  return (
    <div class="subsection">
      <h3>{t('policy_rule_apps')}</h3>
      {apps.map((app) => {
        const added = status.profiles.some((p) => p.sdkAppId === app.sdkAppId);
        return (
          <div key={app.sdkAppId} class="managed-app">
            <p>
              <strong>{app.label}</strong>
              {t('join_aside', [
                '',
                added ? asides([String(app.sdkAppId), t('policy_appAdded')]) : String(app.sdkAppId),
              ])}
            </p>
            {!added && (
              <>
                <p class="hint">{t('policy_appAddHint')}</p>
                <ProfileForm profiles={status.profiles} managed={app} onSaved={onChange} />
              </>
            )}
          </div>
        );
      })}
    </div>
  );
}

/** A lock beside what the organisation set. */
export function LockIcon() {
  return (
    <span class="lock-icon" aria-hidden="true">
      🔒
    </span>
  );
}

/** The policy's value for one rule, in words. */
function ruleWords(key: RuleKey, rules: PolicyRules): string {
  switch (key) {
    case 'apps':
      return numberText(rules.apps.length);
    case 'longestMuteSeconds':
      return rules.longestMuteSeconds === null
        ? t('policy_none')
        : durationText(rules.longestMuteSeconds);
    case 'allowPermanentMutes':
      return t(rules.allowPermanentMutes ? 'policy_allowed' : 'policy_notAllowed');
    case 'confirmProduction':
      return t(rules.confirmProduction ? 'policy_yes' : 'policy_no');
    case 'longestAutoLockMinutes':
      return rules.longestAutoLockMinutes === null
        ? t('policy_none')
        : t('policy_autoLockMinutes', String(rules.longestAutoLockMinutes));
    case 'allowBackupExport':
      return t(rules.allowBackupExport ? 'policy_allowed' : 'policy_notAllowed');
    case 'protectedIds':
      if (rules.protectedIds === 'all') return t('policy_protectedAll');
      return rules.protectedIds.length === 0 ? t('policy_none') : listText(rules.protectedIds);
    case 'allowedSites':
      if (rules.allowedSites === null) return t('policy_anySite');
      return rules.allowedSites.length === 0 ? t('policy_none') : listText(rules.allowedSites);
    case 'blockedSites':
      return rules.blockedSites.length === 0 ? t('policy_none') : listText(rules.blockedSites);
    case 'moderatorName':
      return rules.moderatorName ?? t('policy_none');
    case 'auditDestination': {
      const destination = rules.auditDestination;
      if (destination === null) return t('policy_none');
      const target = parseDestinationUrl(destination.url);
      return t('policy_auditDestination', [
        t(`delivery_format_${destination.format}`),
        target.ok ? target.host : '—',
      ]);
    }
  }
}

function warningWords(warning: PolicyWarning): string {
  return t(`policy_warning_${keyPart(warning.kind)}` as MessageKey, warning.key);
}

/** The policy in force, read once for the page (the background re-reads it when it changes). */
export function usePolicy(): PolicyView | null {
  const send = useSend();
  const [policy, setPolicy] = useState<PolicyView | null>(null);
  useEffect(() => {
    send({ type: 'settings.get' }).then(
      (settings) => setPolicy(settings.policy),
      () => setPolicy(null),
    );
  }, [send]);
  return policy;
}
