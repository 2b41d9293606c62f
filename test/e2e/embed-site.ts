// A host's own website for the embed's end-to-end cases (issue #31): a tiny node HTTP server on 127.0.0.1 that serves
// one page with the embed snippet (inline and popup) on two ports, i.e. two origins: one the host lists in
// `embed_origins`, one it does not. The page records every `calflare:*` event it receives in `window.calflareEvents`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EmbedSite {
  listed: string;
  unlisted: string;
  close: () => Promise<void>;
}

const page = (calflare: string, link: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A host's own site</title></head>
<body>
<h1>Book with us</h1>
<div id="inline" data-calflare-inline="${link}"></div>
<button id="open-popup" type="button" data-calflare-popup="${link}">Book in a popup</button>
<script>
window.calflareEvents = [];
["calflare:booking_successful", "calflare:page_height", "calflare:date_selected"].forEach(function (type) {
  window.addEventListener(type, function (e) { window.calflareEvents.push({ type: type, detail: e.detail, from: e.target.id || e.target.tagName }); });
});
</script>
<script src="${calflare}/embed.js" async></script>
</body></html>`;

/** A raw iframe of an `?embed=1` page, without the script: what any site could try. */
const framing = (url: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Framing</title></head>
<body><iframe id="raw" title="booker" src="${url}" width="800" height="600"></iframe></body></html>`;

export async function startEmbedSite(calflare: string, link: string): Promise<EmbedSite> {
  const servers: Server[] = [];
  const listen = () =>
    new Promise<string>((resolve) => {
      const server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const body = url.pathname === '/frame' ? framing(`${calflare}/${link}${link.includes('?') ? '&' : '?'}embed=1`) : page(calflare, link);
        res.writeHead(url.pathname === '/' || url.pathname === '/frame' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
        res.end(body);
      });
      servers.push(server);
      server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    });
  const [listed, unlisted] = [await listen(), await listen()];
  return {
    listed: listed!,
    unlisted: unlisted!,
    close: () => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined),
  };
}
