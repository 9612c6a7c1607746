import { keyPart, t, type MessageKey } from '../utils/i18n';
import { passphraseStrength } from '../utils/vault/passphrase';

const LEVEL = { 'too-short': 0, weak: 1, fair: 2, strong: 3 } as const;

/** Live feedback on a new passphrase: a bar and words (never colour alone). */
export function StrengthMeter({ passphrase, id }: { passphrase: string; id: string }) {
  const strength = passphraseStrength(passphrase);
  return (
    <div class="strength" id={id} aria-live="polite">
      <meter
        min={0}
        max={3}
        low={1.5}
        high={2.5}
        optimum={3}
        value={LEVEL[strength]}
        aria-hidden="true"
      />
      <span>{t(`strength_${keyPart(strength)}` as MessageKey)}</span>
    </div>
  );
}
