import { t } from '../utils/i18n';

/** The built-in reason presets, in the UI language. */
export function builtInReasons(): string[] {
  return [
    t('reason_spam'),
    t('reason_harassment'),
    t('reason_scam'),
    t('reason_flooding'),
    t('reason_impersonation'),
  ];
}

/** An optional reason: free text with the presets offered as suggestions. It goes to the audit
 * log only: the API stores none. */
export function ReasonField(props: {
  idPrefix: string;
  presets: readonly string[];
  value: string;
  onChange: (v: string) => void;
}) {
  const listId = `${props.idPrefix}-reasons`;
  return (
    <div class="field">
      <label for={`${props.idPrefix}-reason`}>{t('reason_label')}</label>
      <input
        id={`${props.idPrefix}-reason`}
        list={listId}
        maxLength={200}
        value={props.value}
        placeholder={t('reason_placeholder')}
        onInput={(e) => props.onChange(e.currentTarget.value)}
      />
      <datalist id={listId}>
        {props.presets.map((reason) => (
          <option key={reason} value={reason} />
        ))}
      </datalist>
    </div>
  );
}
