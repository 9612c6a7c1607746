import { t } from '../utils/i18n';
import { MIN_PASSPHRASE_LENGTH } from '../utils/vault/passphrase';
import { PasswordInput } from './PasswordInput';
import { StrengthMeter } from './StrengthMeter';

export interface NewPassphrase {
  passphrase: string;
  confirmation: string;
}

/** Why a new passphrase cannot be used yet, or null when it can. */
export function newPassphraseProblem({ passphrase, confirmation }: NewPassphrase): string | null {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    return t('passphrase_tooShort', String(MIN_PASSPHRASE_LENGTH));
  }
  if (passphrase !== confirmation) return t('passphrase_mismatch');
  return null;
}

/** A new passphrase typed twice, with live strength feedback and the length rule. */
export function NewPassphraseFields(props: {
  idPrefix: string;
  value: NewPassphrase;
  onInput: (value: NewPassphrase) => void;
  showProblem: boolean;
  autoFocus?: boolean;
}) {
  const { idPrefix, value, onInput } = props;
  const problem = newPassphraseProblem(value);
  return (
    <>
      <PasswordInput
        id={`${idPrefix}-new`}
        label={t('passphrase_newLabel')}
        value={value.passphrase}
        onInput={(passphrase) => onInput({ ...value, passphrase })}
        describedBy={`${idPrefix}-strength ${idPrefix}-rule`}
        autoFocus={props.autoFocus}
        required
      />
      <p class="hint" id={`${idPrefix}-rule`}>
        {t('passphrase_rule', String(MIN_PASSPHRASE_LENGTH))}
      </p>
      <StrengthMeter passphrase={value.passphrase} id={`${idPrefix}-strength`} />
      <PasswordInput
        id={`${idPrefix}-confirm`}
        label={t('passphrase_confirmLabel')}
        value={value.confirmation}
        onInput={(confirmation) => onInput({ ...value, confirmation })}
        invalid={props.showProblem && problem !== null}
        describedBy={props.showProblem && problem ? `${idPrefix}-problem` : undefined}
        required
      />
      {props.showProblem && problem && (
        <p class="field-error" id={`${idPrefix}-problem`} role="alert">
          {problem}
        </p>
      )}
    </>
  );
}
