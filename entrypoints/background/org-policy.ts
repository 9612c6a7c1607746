import {
  NO_POLICY_VIEW,
  policySecrets,
  readPolicy,
  type PolicyView,
} from '../../utils/policy/policy';

/**
 * The organisation's policy as the browser hands it over in `storage.managed`: read once, kept,
 * and read again when the browser says it changed (Chrome re-reads policy files while running;
 * Firefox reads `policies.json` at start). No managed storage at all (Firefox without a policy
 * rejects the read) is no policy.
 */
export class OrgPolicy {
  private view: Promise<PolicyView> | null = null;
  /** The last policy read, for what must be known at once (the logger's redaction). */
  private latest: PolicyView = NO_POLICY_VIEW;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly read: () => Promise<unknown>) {}

  current(): Promise<PolicyView> {
    // A read that fails is no policy for now, and is tried again next time (not kept).
    return (this.view ??= this.read().then(
      (raw) => (this.latest = readPolicy(raw)),
      () => {
        this.view = null;
        return NO_POLICY_VIEW;
      },
    ));
  }

  /** The browser says the policy changed: read it again, then tell whoever applies it. */
  async changed(): Promise<void> {
    this.view = null;
    await this.current();
    for (const listener of this.listeners) listener();
  }

  /** Secrets the policy holds (a delivery URL), as last read: for the logger's redaction. */
  secrets(): string[] {
    return policySecrets(this.latest);
  }

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }
}
