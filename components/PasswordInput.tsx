import { useState } from 'preact/hooks';
import type { Ref } from 'preact';
import { t } from '../utils/i18n';

interface Props {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  inputRef?: Ref<HTMLInputElement>;
  describedBy?: string;
  invalid?: boolean;
  autoFocus?: boolean;
  placeholder?: string;
  required?: boolean;
}

/**
 * A secret or passphrase field: never autocompleted or restored by the browser, with a
 * show/hide toggle. It is never prefilled with a stored secret (callers cannot read one).
 */
export function PasswordInput({ inputRef, ...props }: Props) {
  const [visible, setVisible] = useState(false);
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <div class="password-row">
        <input
          id={props.id}
          ref={inputRef}
          type={visible ? 'text' : 'password'}
          autocomplete="off"
          spellcheck={false}
          autoCapitalize="off"
          value={props.value}
          placeholder={props.placeholder}
          required={props.required}
          aria-invalid={props.invalid ? 'true' : undefined}
          aria-describedby={props.describedBy}
          autoFocus={props.autoFocus}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
        <button
          type="button"
          class="secondary"
          aria-pressed={visible}
          aria-controls={props.id}
          onClick={() => setVisible(!visible)}
        >
          {visible ? t('ui_hide') : t('ui_show')}
        </button>
      </div>
    </div>
  );
}
