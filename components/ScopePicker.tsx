import { t } from '../utils/i18n';

export interface ScopeChoice {
  c2c: boolean;
  group: boolean;
}

/** One-to-one and group: separate API fields, either can be applied alone. */
export function ScopePicker({
  idPrefix,
  value,
  onChange,
}: {
  idPrefix: string;
  value: ScopeChoice;
  onChange: (v: ScopeChoice) => void;
}) {
  const none = !value.c2c && !value.group;
  return (
    <fieldset
      class="field scope-picker"
      aria-describedby={none ? `${idPrefix}-scope-problem` : undefined}
    >
      <legend>{t('scope_legend')}</legend>
      <label class="check">
        <input
          type="checkbox"
          checked={value.c2c}
          onChange={(e) => onChange({ ...value, c2c: e.currentTarget.checked })}
        />
        {t('scope_c2c')}
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={value.group}
          onChange={(e) => onChange({ ...value, group: e.currentTarget.checked })}
        />
        {t('scope_group')}
      </label>
      {none && (
        <p class="field-error" id={`${idPrefix}-scope-problem`}>
          {t('scope_noneChosen')}
        </p>
      )}
    </fieldset>
  );
}
