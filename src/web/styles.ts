// The shared stylesheet of every server-rendered page (admin and public booking pages), embedded under the CSP nonce:
// no CDN, no extra request, and it renders with no internet. System fonts only. Inline `style` attributes would be blocked by the CSP, so every look is a class.
export const STYLES = `
:root {
  --bg: #f6f7f9; --panel: #fff; --ink: #1c2330; --muted: #5f6b7a; --line: #e2e6eb; --soft: #f0f2f5;
  --accent: #2357d9; --accent-ink: #fff; --danger: #c62f2f; --ok: #1f7a4d; --warn: #9a6200; --radius: 8px;
  color-scheme: light;
}
* { box-sizing: border-box; }
html { font-size: 15px; }
body {
  margin: 0; background: var(--bg); color: var(--ink); line-height: 1.45;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
h1 { font-size: 1.45rem; margin: 0; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .6rem; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em; }
.wrap { max-width: 1240px; margin: 0 auto; padding: 0 1.25rem; }
.top { background: var(--panel); border-bottom: 1px solid var(--line); }
.top-row { display: flex; align-items: center; justify-content: space-between; min-height: 3.2rem; gap: 1rem; }
.brand { font-weight: 700; color: var(--ink); font-size: 1.05rem; letter-spacing: -.01em; }
.brand span { color: var(--accent); font-weight: 600; }
.who { display: flex; align-items: center; gap: .75rem; color: var(--muted); font-size: .9rem; }
.who form { margin: 0; }
.tabs { display: flex; gap: .25rem; }
.tab { padding: .55rem .9rem; color: var(--muted); border-bottom: 2px solid transparent; font-weight: 500; }
.tab:hover { color: var(--ink); text-decoration: none; }
.tab.active { color: var(--ink); border-bottom-color: var(--accent); }
main.wrap { padding-top: 1.4rem; padding-bottom: 3rem; }
.head { display: flex; align-items: center; justify-content: space-between; gap: 1rem; margin-bottom: 1rem; flex-wrap: wrap; }
.sub { color: var(--muted); margin: .2rem 0 0; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 1.1rem 1.25rem; }
.narrow { max-width: 720px; }
.login { max-width: 380px; margin: 3rem auto; }
.table-wrap { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .6rem .75rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); color: var(--muted); font-weight: 600; font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; white-space: nowrap; }
tr:last-child td { border-bottom: 0; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.muted { color: var(--muted); }
.small { font-size: .84rem; }
.nowrap { white-space: nowrap; }
/* Long links and addresses wrap inside their cell instead of pushing the actions column out of view. */
.break { overflow-wrap: anywhere; }
.stack > * + * { margin-top: .15rem; }
.actions { display: flex; gap: .4rem; flex-wrap: wrap; align-items: flex-start; }
.actions form { margin: 0; }
.badge { display: inline-block; padding: .08rem .5rem; border-radius: 999px; font-size: .78rem; font-weight: 600; background: var(--soft); color: var(--muted); white-space: nowrap; }
.badge.ok { background: #e3f4ea; color: var(--ok); }
.badge.warn { background: #fdf1dc; color: var(--warn); }
.badge.bad { background: #fbe5e5; color: var(--danger); }
.badge.info { background: #e6edfc; color: var(--accent); }
.chips { display: flex; flex-wrap: wrap; gap: .25rem; }
.btn {
  display: inline-block; font: inherit; font-size: .88rem; font-weight: 600; line-height: 1.2; cursor: pointer;
  padding: .45rem .8rem; border-radius: 6px; border: 1px solid var(--line); background: var(--panel); color: var(--ink);
}
.btn:hover { background: var(--soft); text-decoration: none; }
.btn.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-ink); }
.btn.primary:hover { background: #1b47b8; }
.btn.danger { color: var(--danger); border-color: #efc4c4; }
.btn.danger.solid { background: var(--danger); border-color: var(--danger); color: #fff; }
.btn.small { padding: .28rem .55rem; font-size: .8rem; }
.btn.link { border: 0; background: none; color: var(--accent); padding: 0; font-weight: 500; }
.flash { border-radius: var(--radius); padding: .75rem 1rem; margin-bottom: 1rem; border: 1px solid; }
.flash.ok { background: #eef8f2; border-color: #b9e0c9; color: #154f33; }
.flash.error { background: #fdf0f0; border-color: #f0c4c4; color: #7d1d1d; }
.secret { margin-top: .5rem; display: block; padding: .5rem .7rem; background: #fff; border: 1px dashed #9ac4ab; border-radius: 6px; font-size: .95rem; user-select: all; word-break: break-all; }
.errors { background: #fdf0f0; border: 1px solid #f0c4c4; color: #7d1d1d; border-radius: var(--radius); padding: .7rem 1rem; margin-bottom: 1rem; }
.errors ul { margin: .3rem 0 0; padding-left: 1.2rem; }
form.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: .9rem 1.1rem; }
.field { display: flex; flex-direction: column; gap: .3rem; }
.field.wide { grid-column: 1 / -1; }
.field label, .label { font-weight: 600; font-size: .85rem; }
.field .hint { color: var(--muted); font-size: .8rem; }
.field .error { color: var(--danger); font-size: .82rem; }
input[type=text], input[type=email], input[type=password], input[type=number], input[type=url], input[type=date], input:not([type]), select, textarea {
  font: inherit; font-size: .92rem; padding: .45rem .6rem; border: 1px solid #cdd3da; border-radius: 6px; background: #fff; color: var(--ink); width: 100%;
}
textarea { min-height: 4.5rem; resize: vertical; }
input:focus, select:focus, textarea:focus { outline: 2px solid #b8cbf6; border-color: var(--accent); }
.invalid input, .invalid select, .invalid textarea { border-color: var(--danger); }
.check { display: flex; align-items: center; gap: .45rem; font-weight: 500; font-size: .9rem; }
.check input { width: auto; margin: 0; }
.checks { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: .35rem .8rem; }
.form-actions { grid-column: 1 / -1; display: flex; gap: .6rem; align-items: center; padding-top: .3rem; }
.filters { display: flex; flex-wrap: wrap; gap: .75rem; align-items: flex-end; margin-bottom: 1rem; }
.filters .field { min-width: 150px; }
.filters .field.tz { min-width: 220px; }
.pager { display: flex; justify-content: space-between; align-items: center; margin-top: .8rem; color: var(--muted); font-size: .88rem; }
.empty { text-align: center; padding: 2.5rem 1rem; color: var(--muted); }
.empty strong { display: block; color: var(--ink); font-size: 1rem; margin-bottom: .25rem; }
details.inline summary { cursor: pointer; color: var(--accent); font-size: .85rem; font-weight: 600; list-style: none; }
details.inline summary::-webkit-details-marker { display: none; }
details.inline[open] summary { margin-bottom: .4rem; }
details.inline form { display: flex; flex-direction: column; gap: .35rem; min-width: 200px; }
.attempts { margin: .4rem 0 0; padding: 0; list-style: none; font-size: .82rem; }
.attempts li { padding: .2rem 0; border-top: 1px dashed var(--line); }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; margin: 0; }
.kv dt { color: var(--muted); font-weight: 600; font-size: .85rem; }
.kv dd { margin: 0; }
.confirm { max-width: 560px; }
.confirm p { margin-top: 0; }
.confirm .sub { margin-bottom: .8rem; }
.error-page { max-width: 560px; margin: 3rem auto; text-align: center; }
.error-page .code { font-size: 3rem; font-weight: 800; color: var(--line); margin: 0; }
`;
// The admin's Branding tab (src/admin/branding.tsx): the contrast verdicts, the logo and the embed snippets.
export const BRANDING_ADMIN_STYLES = `
.verdicts { margin: .3rem 0 0; padding-inline-start: 1.1rem; }
.snippet pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: .6rem; white-space: pre-wrap; }
.logo-preview { display: block; max-height: 48px; width: auto; margin: .5rem 0; }
`;
