import { useState } from 'preact/hooks';
import { browser } from '#imports';
import { useSend } from '../../components/background';
import { EnvironmentBadge } from '../../components/EnvironmentBadge';
import { ErrorNotice } from '../../components/ErrorNotice';
import { originPattern } from '../../utils/chat-api/endpoint';
import { formatDateTime } from '../../utils/mute/durations';
import { t, uiLocale, type MessageKey } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';
import type { ConnectionTest, VaultStatus } from '../../utils/messages/protocol';
import type { ProfileMeta } from '../../utils/vault/profile';
import { ProfileForm } from './ProfileForm';
import { usePolicy } from './PolicySection';
import { managedAppFor } from '../../utils/policy/policy';

/** The app profiles: one card each, with test, edit, default and delete. */
export function ProfileList({
  status,
  onChange,
}: {
  status: VaultStatus;
  onChange: () => Promise<void>;
}) {
  const [adding, setAdding] = useState(false);
  return (
    <section class="card" aria-labelledby="profiles-title">
      <h2 id="profiles-title">{t('profiles_title')}</h2>
      {status.profiles.length === 1 && <p class="notice info">{t('onboarding_testHint')}</p>}
      <ul class="profile-list">
        {status.profiles.map((profile) => (
          <ProfileCard
            key={profile.id}
            profile={profile}
            profiles={status.profiles}
            isDefault={profile.id === status.defaultProfileId}
            onChange={onChange}
          />
        ))}
      </ul>
      {adding ? (
        <ProfileForm
          profiles={status.profiles}
          onSaved={async () => {
            setAdding(false);
            await onChange();
          }}
          onCancel={() => setAdding(false)}
        />
      ) : (
        <button type="button" class="secondary" onClick={() => setAdding(true)}>
          {t('profiles_add')}
        </button>
      )}
    </section>
  );
}

function ProfileCard(props: {
  profile: ProfileMeta;
  profiles: ProfileMeta[];
  isDefault: boolean;
  onChange: () => Promise<void>;
}) {
  const { profile, isDefault, onChange } = props;
  const send = useSend();
  const [editing, setEditing] = useState(false);
  const policy = usePolicy();
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<ConnectionTest | null>(null);
  const [error, setError] = useState<AppError | null>(null);

  function testConnection() {
    // A custom endpoint's host access is requested from this very click.
    const access =
      profile.endpoint.kind === 'custom'
        ? browser.permissions
            .request({ origins: [originPattern(profile.endpoint.baseUrl)] })
            .catch(() => false)
        : Promise.resolve(true);
    void (async () => {
      setTesting(true);
      setResult(null);
      setError(null);
      try {
        await access;
        setResult(await send({ type: 'profiles.testConnection', id: profile.id }));
      } catch (e) {
        setError(asAppError(e));
      } finally {
        setTesting(false);
      }
    })();
  }

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      await onChange();
    } catch (e) {
      setError(asAppError(e));
    }
  }

  const where =
    profile.endpoint.kind === 'region'
      ? t(`region_${profile.endpoint.region}` as MessageKey)
      : profile.endpoint.baseUrl;

  return (
    <li class="profile-card" aria-label={profile.label}>
      <div class="profile-head">
        <strong>{profile.label}</strong> <EnvironmentBadge environment={profile.environment} />
        {isDefault && <span class="badge">{t('profiles_default')}</span>}
      </div>
      <p class="profile-meta">
        {t('profiles_summary', [String(profile.sdkAppId), profile.adminAccount, where])}
      </p>
      {editing ? (
        <ProfileForm
          profiles={props.profiles}
          editing={profile}
          managed={policy ? managedAppFor(profile.sdkAppId, policy.rules.apps) : undefined}
          onSaved={async () => {
            setEditing(false);
            await onChange();
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <div class="actions">
          <button type="button" class="primary" onClick={testConnection} disabled={testing}>
            {testing ? t('profiles_testing') : t('profiles_test')}
          </button>
          <button type="button" class="secondary" onClick={() => setEditing(true)}>
            {t('profiles_edit')}
          </button>
          {!isDefault && (
            <button
              type="button"
              class="secondary"
              onClick={() => void run(() => send({ type: 'profiles.setDefault', id: profile.id }))}
            >
              {t('profiles_makeDefault')}
            </button>
          )}
          <button type="button" class="danger" onClick={() => setConfirmingDelete(true)}>
            {t('profiles_delete')}
          </button>
        </div>
      )}
      {confirmingDelete && (
        <div
          class="confirm"
          role="alertdialog"
          aria-label={t('profiles_deleteConfirm', profile.label)}
        >
          <p>{t('profiles_deleteConfirm', profile.label)}</p>
          <button
            type="button"
            class="danger"
            onClick={() => void run(() => send({ type: 'profiles.delete', id: profile.id }))}
          >
            {t('profiles_deleteYes')}
          </button>
          <button type="button" class="secondary" onClick={() => setConfirmingDelete(false)}>
            {t('ui_cancel')}
          </button>
        </div>
      )}
      <div aria-live="polite" class="test-result">
        {result && <ConnectionResult result={result} onRetry={() => void testConnection()} />}
        {error && <ErrorNotice error={error} />}
      </div>
    </li>
  );
}

function ConnectionResult({ result, onRetry }: { result: ConnectionTest; onRetry: () => void }) {
  const sig = result.userSig;
  return (
    <div class="connection-result" data-ok={result.ok}>
      {result.ok ? (
        <p class="notice success">
          {t('test_success', [String(Math.round(result.latencyMs)), result.host])}
        </p>
      ) : (
        result.error && <ErrorNotice error={result.error} onAccessGranted={onRetry} />
      )}
      {sig && (
        <p class="hint">
          {t('test_usersig', [
            String(sig.sdkAppId),
            sig.identifier,
            formatDateTime((sig.time + sig.expire) * 1000, uiLocale()),
          ])}
        </p>
      )}
    </div>
  );
}
