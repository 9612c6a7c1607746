import { useState } from 'preact/hooks';
import { useSend } from '../../components/background';
import { ErrorNotice } from '../../components/ErrorNotice';
import { askForAccess } from '../../components/host-access';
import { PasswordInput } from '../../components/PasswordInput';
import { ALLOW_LOOPBACK_HTTP } from '../../utils/build-mode';
import { originPattern, parseCustomEndpoint } from '../../utils/chat-api/endpoint';
import { REGIONS, type RegionId } from '../../utils/chat-api/regions';
import { asides, t, type MessageKey } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';
import type { ProfileInput } from '../../utils/messages/protocol';
import { AdminAccountSchema, type Environment, type ProfileMeta } from '../../utils/vault/profile';
import type { ManagedApp } from '../../utils/policy/policy';

interface Props {
  /** Every profile, for the duplicate-SDKAppID warning. */
  profiles: ProfileMeta[];
  /** The profile being edited; a new one when absent. */
  editing?: ProfileMeta;
  /** An app the organisation set up: its fields are fixed, only the secret key is asked. */
  managed?: ManagedApp;
  onSaved: () => Promise<void>;
  onCancel?: () => void;
}

type Problems = Partial<
  Record<'label' | 'sdkAppId' | 'adminAccount' | 'secretKey' | 'endpoint', string>
>;

/** Add or edit an app profile. The secret key is write-only: never shown, never prefilled. */
export function ProfileForm({ profiles, editing: given, managed, onSaved, onCancel }: Props) {
  const send = useSend();
  const editing = given;
  // The organisation's fields win over what was stored (the background applies them too).
  const preset = managed ?? given;
  const id = given?.id ?? (managed ? `managed-${managed.sdkAppId}` : 'new');
  const [label, setLabel] = useState(preset?.label ?? '');
  const [environment, setEnvironment] = useState<Environment>(preset?.environment ?? 'production');
  const [endpointKind, setEndpointKind] = useState(preset?.endpoint.kind ?? 'region');
  const [region, setRegion] = useState<RegionId>(
    preset?.endpoint.kind === 'region' ? preset.endpoint.region : 'singapore',
  );
  const [baseUrl, setBaseUrl] = useState(
    preset?.endpoint.kind === 'custom' ? preset.endpoint.baseUrl : '',
  );
  const [sdkAppId, setSdkAppId] = useState(preset ? String(preset.sdkAppId) : '');
  const [adminAccount, setAdminAccount] = useState(preset?.adminAccount ?? 'administrator');
  const [secretKey, setSecretKey] = useState('');
  const [problems, setProblems] = useState<Problems>({});
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);

  const appId = /^\d{1,10}$/.test(sdkAppId.trim()) ? Number(sdkAppId.trim()) : NaN;
  const duplicate = profiles.find((p) => p.sdkAppId === appId && p.id !== editing?.id);

  function validate(): { input: ProfileInput; pattern: string | null } | null {
    const found: Problems = {};
    if (label.trim() === '') found.label = t('profile_labelRequired');
    if (!(appId >= 1 && appId <= 4294967295)) found.sdkAppId = t('profile_sdkAppIdInvalid');
    if (!AdminAccountSchema.safeParse(adminAccount.trim()).success)
      found.adminAccount = t('profile_adminInvalid');
    if (!editing && secretKey.trim() === '') found.secretKey = t('profile_secretRequired');
    let endpoint: ProfileInput['endpoint'] = { kind: 'region', region };
    let pattern: string | null = null;
    if (endpointKind === 'custom') {
      const parsed = parseCustomEndpoint(baseUrl, ALLOW_LOOPBACK_HTTP);
      if (parsed.ok) {
        endpoint = { kind: 'custom', baseUrl: parsed.baseUrl };
        pattern = originPattern(parsed.baseUrl);
      } else {
        found.endpoint = t(`endpointProblem_${parsed.problem.replace(/-/g, '_')}` as MessageKey);
      }
    }
    setProblems(found);
    if (Object.keys(found).length > 0) return null;
    return {
      pattern,
      input: {
        ...(editing ? { id: editing.id } : {}),
        label: label.trim(),
        environment,
        endpoint,
        sdkAppId: appId,
        adminAccount: adminAccount.trim(),
        ...(secretKey.trim() === '' ? {} : { secretKey: secretKey.trim() }),
      },
    };
  }

  function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    const checked = validate();
    if (!checked) return;
    // Host access for a custom endpoint is asked for from this click, before anything awaits.
    const access = checked.pattern ? askForAccess([checked.pattern]) : Promise.resolve(true);
    void save(checked.input, access);
  }

  async function save(input: ProfileInput, access: Promise<boolean>) {
    setBusy(true);
    setError(null);
    try {
      await access;
      await send({ type: 'profiles.save', profile: input });
      setSecretKey('');
      await onSaved();
    } catch (e) {
      setError(asAppError(e));
    } finally {
      setBusy(false);
    }
  }

  const fieldId = (name: string) => `profile-${id}-${name}`;
  const problem = (name: keyof Problems) =>
    problems[name] ? (
      <p class="field-error" id={fieldId(`${name}-problem`)}>
        {problems[name]}
      </p>
    ) : null;
  const invalid = (name: keyof Problems) =>
    problems[name]
      ? { 'aria-invalid': 'true' as const, 'aria-describedby': fieldId(`${name}-problem`) }
      : {};

  return (
    <form class="profile-form" onSubmit={submit} aria-busy={busy} noValidate>
      {/* An app the organisation set up keeps its fields as set: only the secret key is asked. */}
      <fieldset class="fields-group" disabled={managed !== undefined}>
        <div class="field">
          <label for={fieldId('label')}>{t('profile_label')}</label>
          <input
            id={fieldId('label')}
            value={label}
            maxLength={60}
            onInput={(e) => setLabel(e.currentTarget.value)}
            {...invalid('label')}
          />
          {problem('label')}
        </div>
        <div class="field">
          <label for={fieldId('environment')}>{t('profile_environment')}</label>
          <select
            id={fieldId('environment')}
            value={environment}
            onChange={(e) => setEnvironment(e.currentTarget.value as Environment)}
          >
            <option value="production">{t('env_production')}</option>
            <option value="staging">{t('env_staging')}</option>
            <option value="test">{t('env_test')}</option>
          </select>
        </div>
        <fieldset class="field">
          <legend>{t('profile_endpoint')}</legend>
          <label class="check">
            <input
              type="radio"
              name={fieldId('endpoint-kind')}
              checked={endpointKind === 'region'}
              onChange={() => setEndpointKind('region')}
            />
            {t('profile_endpointRegion')}
          </label>
          {endpointKind === 'region' && (
            <select
              aria-label={t('profile_region')}
              id={fieldId('region')}
              value={region}
              onChange={(e) => setRegion(e.currentTarget.value as RegionId)}
            >
              {(Object.keys(REGIONS) as RegionId[]).map((r) => (
                <option value={r} key={r}>
                  {asides([t(`region_${r}` as MessageKey), REGIONS[r].primary])}
                </option>
              ))}
            </select>
          )}
          <label class="check">
            <input
              type="radio"
              name={fieldId('endpoint-kind')}
              checked={endpointKind === 'custom'}
              onChange={() => setEndpointKind('custom')}
            />
            {t('profile_endpointCustom')}
          </label>
          {endpointKind === 'custom' && (
            <>
              <input
                id={fieldId('base-url')}
                aria-label={t('profile_baseUrl')}
                type="url"
                placeholder="https://chat-proxy.example.com"
                value={baseUrl}
                onInput={(e) => setBaseUrl(e.currentTarget.value)}
                {...invalid('endpoint')}
              />
              <p class="hint">{t('profile_baseUrlHint')}</p>
            </>
          )}
          {problem('endpoint')}
        </fieldset>
        <div class="field">
          <label for={fieldId('sdkappid')}>{t('profile_sdkAppId')}</label>
          <input
            id={fieldId('sdkappid')}
            inputMode="numeric"
            value={sdkAppId}
            onInput={(e) => setSdkAppId(e.currentTarget.value)}
            {...invalid('sdkAppId')}
          />
          {problem('sdkAppId')}
          {duplicate && (
            <p class="notice warning" role="status">
              {t('profile_duplicateAppId', duplicate.label)}
            </p>
          )}
        </div>
        <div class="field">
          <label for={fieldId('admin')}>{t('profile_adminAccount')}</label>
          <input
            id={fieldId('admin')}
            value={adminAccount}
            autocomplete="off"
            onInput={(e) => setAdminAccount(e.currentTarget.value)}
            {...invalid('adminAccount')}
          />
          {problem('adminAccount')}
        </div>
      </fieldset>
      <PasswordInput
        id={fieldId('secret')}
        label={t('profile_secretKey')}
        value={secretKey}
        onInput={setSecretKey}
        placeholder={editing ? t('profile_secretKeepPlaceholder') : ''}
        invalid={problems.secretKey !== undefined}
        describedBy={problems.secretKey ? fieldId('secretKey-problem') : undefined}
      />
      {problem('secretKey')}
      {error && (
        <ErrorNotice
          error={error}
          onAccessGranted={() => {
            const checked = validate();
            if (checked) void save(checked.input, Promise.resolve(true));
          }}
        />
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {editing ? t('profile_saveChanges') : t('profile_add')}
        </button>
        {onCancel && (
          <button type="button" class="secondary" onClick={onCancel}>
            {t('ui_cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
