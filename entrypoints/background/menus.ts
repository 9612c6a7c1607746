import { presetLabel } from '../../utils/mute/duration-text';
import { UNMUTE_SECONDS, type DurationPreset } from '../../utils/mute/durations';
import { t } from '../../utils/i18n';
import type { StartInput } from './quick-actions';

export interface MenusLike {
  removeAll(): Promise<void>;
  create(properties: {
    id: string;
    parentId?: string;
    title: string;
    contexts: ['selection'];
  }): unknown;
}

const MUTE = 'mute';
const CUSTOM = 'mute:custom';
const PRESET_PREFIX = 'mute:preset:';
const UNMUTE = 'unmute';
const CHECK = 'check';

/** The selection menu: Mute “%s” ▸ presets and Custom…, Unmute “%s”, Check mute status of “%s”. */
export async function createMenus(
  menus: MenusLike,
  presets: readonly DurationPreset[],
): Promise<void> {
  await menus.removeAll();
  menus.create({ id: MUTE, title: t('menu_mute'), contexts: ['selection'] });
  for (const preset of presets) {
    menus.create({
      id: `${PRESET_PREFIX}${preset.seconds}`,
      parentId: MUTE,
      title: presetLabel(preset),
      contexts: ['selection'],
    });
  }
  menus.create({ id: CUSTOM, parentId: MUTE, title: t('menu_custom'), contexts: ['selection'] });
  menus.create({ id: UNMUTE, title: t('menu_unmute'), contexts: ['selection'] });
  menus.create({ id: CHECK, title: t('menu_check'), contexts: ['selection'] });
}

/** What a clicked menu item asks for; null for items that are not ours. */
export function menuIntent(
  menuItemId: string | number,
): Pick<StartInput, 'kind' | 'seconds'> | null {
  const id = String(menuItemId);
  if (id === CUSTOM) return { kind: 'mute', seconds: null };
  if (id === UNMUTE) return { kind: 'unmute', seconds: UNMUTE_SECONDS };
  if (id === CHECK) return { kind: 'check', seconds: null };
  if (id.startsWith(PRESET_PREFIX)) {
    const seconds = Number(id.slice(PRESET_PREFIX.length));
    return Number.isInteger(seconds) && seconds > 0 ? { kind: 'mute', seconds } : null;
  }
  return null;
}
