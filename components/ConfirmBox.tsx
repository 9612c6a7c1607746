import { useEffect, useRef } from 'preact/hooks';
import { t } from '../utils/i18n';

/**
 * An inline confirmation for risky actions (permanent, bulk, production). Focus goes to it,
 * Tab stays inside it, Esc cancels, and focus returns where it was.
 */
export function ConfirmBox(props: {
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  danger?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // The focused element of the box's own root: inside a shadow root (the page popover),
    // document.activeElement is only the host.
    const root = box.current?.getRootNode() as Document | ShadowRoot | undefined;
    const previous = (root?.activeElement ?? document.activeElement) as HTMLElement | null;
    box.current?.querySelector<HTMLButtonElement>('button')?.focus();
    return () => previous?.focus();
  }, []);

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      // This Esc answered the question: whatever holds the box (a popover) stays open.
      event.preventDefault();
      event.stopPropagation();
      props.onCancel();
    } else if (event.key === 'Tab') {
      const buttons = [...(box.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
      const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
      const next = buttons[(index + (event.shiftKey ? buttons.length - 1 : 1)) % buttons.length];
      event.preventDefault();
      next?.focus();
    }
  }

  return (
    <div
      class="confirm"
      role="alertdialog"
      aria-modal="true"
      aria-label={props.message}
      ref={box}
      onKeyDown={onKeyDown}
    >
      <p>{props.message}</p>
      <div class="actions">
        <button
          type="button"
          class={props.danger === false ? 'primary' : 'danger'}
          onClick={props.onConfirm}
        >
          {props.confirmLabel}
        </button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('ui_cancel')}
        </button>
      </div>
    </div>
  );
}
