// The embed protocol (issue #31, docs/DESIGN.md "Embed"): what an `?embed=1` page tells the site that frames it, and
// what it carries from its URL into the pages that follow. Pure: no Hono, no bindings.
//
// Invariant: a page's events only ever reach an origin its host listed in `embed_origins`. The page posts each event
// once per listed origin with that origin as postMessage's targetOrigin, so the browser delivers it only if the
// framing page is one of them; and the same list is the page's only `frame-ancestors`, so nothing else can frame it.

/** The events an embedded page posts to its parent (each `{ type, data }`). */
export const EMBED_EVENTS = ['calflare:page_height', 'calflare:date_selected', 'calflare:booking_successful', 'calflare:booking_rescheduled', 'calflare:close'] as const;
export type EmbedEventType = (typeof EMBED_EVENTS)[number];

export type EmbedEvent =
  | { type: 'calflare:date_selected'; data: { date: string } }
  | { type: 'calflare:booking_successful' | 'calflare:booking_rescheduled'; data: { uid: string; start: string; end: string; status: string } };

/** JSON safe inside a <script> element: no `<` can close it, no line separator can break the string. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/**
 * The nonce'd script of an embedded page: posts `events` (on load), the page's height (on load and whenever it
 * changes) and `calflare:close` (Escape pressed inside the frame: /embed.js closes its popup, as Escape does outside
 * it) to the parent, once per allowed origin. Nothing is posted when the page is not framed.
 */
export function embedPageScript(origins: readonly string[], events: readonly EmbedEvent[]): string {
  return `(function(){var O=${scriptJson(origins)},E=${scriptJson(events)};if(window.parent===window)return;
function post(m){for(var i=0;i<O.length;i++){try{window.parent.postMessage(m,O[i])}catch(e){}}}
for(var i=0;i<E.length;i++)post(E[i]);
var last=-1;function size(){var b=document.body,s=getComputedStyle(b),h=Math.ceil(b.getBoundingClientRect().height+parseFloat(s.marginTop)+parseFloat(s.marginBottom));
if(h!==last){last=h;post({type:"calflare:page_height",data:{height:h}})}}
size();if(window.ResizeObserver)new ResizeObserver(size).observe(document.body);else window.addEventListener("resize",size);
document.addEventListener("keydown",function(e){if(e.key==="Escape"&&!e.defaultPrevented)post({type:"calflare:close",data:{}})})})();`;
}

/** The Content-Security-Policy `frame-ancestors` value of a page: the host's embed origins, else nobody. */
export const frameAncestors = (origins: readonly string[]) => (origins.length ? origins.join(' ') : "'none'");

// ---- Carried in the URL ----

/** The booker's own query parameters; everything else in an embed (or any booker) URL may be a prefill value. */
const BOOKER_PARAMS = new Set(['month', 'date', 'tz', 'fmt', 'occurrences', 'lang', 'embed', 'start', 'cancel', 'booked', 'rescheduled']);
const MAX_CARRIED = 20;
const MAX_VALUE = 500;

export const UTM_PARAMS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const;

/**
 * Prefill and UTM values from a booker URL (`name`, `email`, `notes`, answers by question name, `utm_*`), kept in
 * every link and form up to the booking form: at most 20, short names, values up to 500 characters; the rest dropped.
 */
export function carriedParams(search: URLSearchParams): Record<string, string> {
  const kept: Record<string, string> = {};
  let n = 0;
  for (const [key, value] of search) {
    if (BOOKER_PARAMS.has(key) || key in kept || !/^[A-Za-z][\w-]{0,39}$/.test(key) || value.length > MAX_VALUE) continue;
    if (++n > MAX_CARRIED) break;
    kept[key] = value;
  }
  return kept;
}

/** The UTM parameters among them, as the booking's `metadata` (the API's metadata rules: flat strings). */
export function utmMetadata(search: URLSearchParams): Record<string, string> | null {
  const found = UTM_PARAMS.flatMap((key) => {
    const value = search.get(key)?.trim();
    // Single-line only: metadata refuses control characters.
    return value && value.length <= MAX_VALUE && !/[\u0000-\u001f\u007f]/.test(value) ? [[key, value] as const] : [];
  });
  return found.length ? Object.fromEntries(found) : null;
}
