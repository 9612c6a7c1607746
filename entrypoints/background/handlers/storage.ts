import { REPAIRABLE_PARTS, type RepairablePart } from '../../../utils/storage/keys';
import type { Handlers } from '../router';
import type { Services } from '../services';

interface Repairable {
  readable(): Promise<boolean>;
  repair(): Promise<void>;
}

/**
 * Stored parts that no longer fit their schema are left as they are and reported; each can be
 * reset on its own, keeping the vault and everything else.
 */
export function storageHandlers(
  services: Services,
): Pick<Handlers, 'storage.problems' | 'storage.reset'> {
  const { settings, sites, registry, undo } = services;
  const parts: Record<RepairablePart, Repairable> = {
    settings: {
      readable: () => settings.readable(),
      repair: async () => {
        await settings.reset();
        await services.refreshMenus();
      },
    },
    sites,
    activeMutes: registry,
    undoRecords: undo,
  };
  const problems = async () => {
    const checks = await Promise.all(
      REPAIRABLE_PARTS.map(async (part) => ({ part, ok: await parts[part].readable() })),
    );
    return { unreadable: checks.filter((c) => !c.ok).map((c) => c.part) };
  };
  return {
    'storage.problems': problems,
    async 'storage.reset'({ part }) {
      await parts[part].repair();
      return problems();
    },
  };
}
