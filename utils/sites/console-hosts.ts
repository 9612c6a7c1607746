/** Hosts of Tencent's own Chat console (chat-api.md §6), where page buttons are built in. */
export const CONSOLE_HOSTS = [
  'console.cloud.tencent.com',
  'console.tencentcloud.com',
  'console.trtc.io',
] as const;
