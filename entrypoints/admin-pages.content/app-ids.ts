const PARAM = /^(sdk_?app_?id|app_?id)$/i;
const TEXT = /SDK\s*App\s*ID\s*[:：#]?\s*(\d{5,10})/gi;
/** Text nodes read at most, so a huge page costs no more than a small one. */
const MAX_TEXT_NODES = 3000;

/**
 * The SDKAppIDs a page shows, best first: URL parameters (also in a hash route), then text such
 * as "SDKAppID: 1400187352" near the top of the page. The page's app wins over the site's.
 */
export function detectAppIds(doc: Document, href: string): number[] {
  const ids: number[] = [];
  const add = (value: string) => {
    const id = Number(value);
    if (/^\d{5,10}$/.test(value) && id <= 4294967295 && !ids.includes(id)) ids.push(id);
  };
  const url = new URL(href);
  const hashQuery = url.hash.includes('?') ? url.hash.slice(url.hash.indexOf('?') + 1) : '';
  for (const params of [url.searchParams, new URLSearchParams(hashQuery)]) {
    for (const [key, value] of params) if (PARAM.test(key)) add(value);
  }
  if (doc.body) {
    const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
    for (
      let n = 0, node = walker.nextNode();
      node && n < MAX_TEXT_NODES && ids.length < 10;
      n++, node = walker.nextNode()
    ) {
      for (const match of (node.nodeValue ?? '').matchAll(TEXT)) add(match[1] as string);
    }
  }
  return ids.slice(0, 10);
}
