/**
 * True only in the demo and test build (`wxt build --mode loopback`): plain http:// endpoints
 * on loopback hosts are allowed there, never in the production build.
 */
export const ALLOW_LOOPBACK_HTTP: boolean = import.meta.env.MODE === 'loopback';
