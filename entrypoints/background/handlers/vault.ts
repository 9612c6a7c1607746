import { HandlerError } from '../router';
import { toMeta } from '../../../utils/vault/profile';
import type { Handlers } from '../router';
import type { Services } from '../services';

type VaultHandlers = Pick<
  Handlers,
  | 'vault.status'
  | 'vault.create'
  | 'vault.unlock'
  | 'vault.lock'
  | 'vault.changePassphrase'
  | 'vault.export'
  | 'vault.import'
  | 'vault.forget'
>;

export function vaultHandlers({
  vault,
  audit,
  delivery,
  registry,
  mute,
  bulk,
  sites,
  policy,
}: Services): VaultHandlers {
  return {
    async 'vault.status'() {
      const state = await vault.state();
      const changeInterrupted = await vault.changeInterrupted();
      if (state !== 'unlocked')
        return { state, profiles: [], defaultProfileId: null, changeInterrupted };
      const data = await vault.data();
      return {
        state,
        profiles: data.profiles.map(toMeta),
        defaultProfileId: data.defaultProfileId,
        changeInterrupted,
      };
    },
    async 'vault.create'({ passphrase }) {
      await vault.create(passphrase);
      return {};
    },
    async 'vault.unlock'({ passphrase }) {
      await vault.unlock(passphrase);
      return {};
    },
    async 'vault.lock'() {
      await vault.lock();
      return {};
    },
    async 'vault.changePassphrase'({ current, next }) {
      await vault.changePassphrase(current, next);
      return {};
    },
    async 'vault.export'() {
      if (!(await policy.current()).rules.allowBackupExport)
        throw new HandlerError({ kind: 'policy', rule: 'backup-export' });
      return { fileText: await vault.exportBackup() };
    },
    async 'vault.import'({ fileText, passphrase }) {
      await vault.importBackup(fileText, passphrase);
      return {};
    },
    /**
     * Every trace: locked, then what is under way or waits in memory (so nothing is written
     * after the wipe), then storage, then what lives outside it (registered scripts, granted
     * host access).
     */
    async 'vault.forget'() {
      // Locked first, so nothing new starts; then what is under way finishes.
      await vault.lock();
      await bulk.reset();
      await mute.idle();
      await Promise.all([audit.reset(), delivery.reset(), registry.reset()]);
      mute.clearCache();
      await vault.forget();
      await sites.forget();
      return {};
    },
  };
}
