import * as z from 'zod/mini';

/**
 * The Chat data centres and their admin API hosts (chat-api.md §2). An SDKAppID lives in
 * exactly one of them; the backup host is only for DNS or connection trouble on the primary.
 */
export const REGIONS = {
  china: { primary: 'console.tim.qq.com', backup: 'adminapi.my-imcloud.com' },
  singapore: { primary: 'adminapisgp.im.qcloud.com', backup: 'adminapisgp.my-imcloud.com' },
  seoul: { primary: 'adminapikr.im.qcloud.com', backup: 'adminapikr.my-imcloud.com' },
  tokyo: { primary: 'adminapijpn.im.qcloud.com', backup: 'adminapijpn.my-imcloud.com' },
  frankfurt: { primary: 'adminapiger.im.qcloud.com', backup: 'adminapiger.my-imcloud.com' },
  siliconValley: { primary: 'adminapiusa.im.qcloud.com', backup: 'adminapiusa.my-imcloud.com' },
  jakarta: { primary: 'adminapiidn.im.qcloud.com', backup: 'adminapiidn.my-imcloud.com' },
} as const satisfies Record<string, { primary: string; backup: string }>;

export type RegionId = keyof typeof REGIONS;
export const RegionIdSchema = z.enum(Object.keys(REGIONS) as [RegionId, ...RegionId[]]);

/** Every region host, primary and backup: exactly what the manifest's host_permissions hold. */
export function allRegionHosts(): string[] {
  return Object.values(REGIONS).flatMap(({ primary, backup }) => [primary, backup]);
}
