// The HTML document every server-rendered page is built in: charset, viewport, title, the data: favicon and the
// shared stylesheet under the CSP nonce. Areas (admin, public booking pages) put their own header and main inside.
import type { FC, PropsWithChildren } from 'hono/jsx';
import { raw } from 'hono/html';
import { STYLES } from './styles';

// A tiny calendar as a data: URL, so the browser does not ask for /favicon.ico (img-src allows data: only for this).
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect x='1' y='2' width='14' height='13' rx='2' fill='%232357d9'/%3E%3Crect x='3' y='6' width='10' height='7' fill='%23fff'/%3E%3C/svg%3E";

export const Document: FC<PropsWithChildren<{ title: string; nonce: string; extraStyles?: string; bodyClass?: string; robots?: string; lang?: string; dir?: 'ltr' | 'rtl' }>> = (p) => (
  <>
    {raw('<!doctype html>')}
    <html lang={p.lang ?? 'en'} dir={p.dir}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {p.robots && <meta name="robots" content={p.robots} />}
        <title>{p.title}</title>
        <link rel="icon" href={FAVICON} />
        <style nonce={p.nonce}>{raw(p.extraStyles ? STYLES + p.extraStyles : STYLES)}</style>
      </head>
      <body class={p.bodyClass}>{p.children}</body>
    </html>
  </>
);
