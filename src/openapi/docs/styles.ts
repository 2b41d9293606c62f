// The /docs page's stylesheet, embedded in the page (its CSP allows inline styles only).
export const DOCS_CSS = `
:root { --bg: #fff; --ink: #1c2330; --muted: #5f6b7a; --line: #e2e6eb; --soft: #f4f6f8; --accent: #2357d9; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: var(--bg); line-height: 1.5; display: flex;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 15px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
/* Inside running text a link must not rely on colour alone (WCAG 1.4.1): underlined. */
main a { text-decoration: underline; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .86em; }
.toc { position: sticky; top: 0; height: 100vh; overflow-y: auto; width: 300px; flex: none; padding: 1rem;
  border-right: 1px solid var(--line); background: var(--soft); font-size: .85rem; }
.toc a { display: block; padding: .12rem 0; color: var(--ink); }
.toc .brand { font-weight: 700; font-size: 1.05rem; margin: 0 0 .6rem; }
.toc .toc-tag { font-weight: 600; margin-top: .7rem; }
.toc .toc-op { padding-left: .4rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
main { padding: 1.5rem 2rem 4rem; max-width: 1000px; min-width: 0; }
h1 { margin: 0 0 .5rem; font-size: 1.6rem; }
h1 .version { color: var(--muted); font-size: .9rem; font-weight: 500; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .5rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 0 0 .3rem; }
h4 { font-size: .9rem; margin: 1rem 0 .3rem; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.op { border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.1rem; margin: 1rem 0; }
.op .summary { font-weight: 600; margin: .2rem 0; }
.op .auth { display: inline-block; font-size: .8rem; background: var(--soft); border-radius: 4px; padding: .1rem .5rem; }
.method { display: inline-block; min-width: 3.6em; text-align: center; border-radius: 4px; padding: .05rem .35rem;
  font-size: .72rem; font-weight: 700; color: #fff; font-family: ui-monospace, Menlo, Consolas, monospace; }
.m-get { background: #1f7a4d; } .m-post { background: #2357d9; } .m-patch { background: #9a6200; } .m-delete { background: #c62f2f; } .m-put { background: #6a3fa0; }
.path { font-size: .95rem; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .6rem; font-size: .86rem; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: .3rem .5rem; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td:nth-child(2) { word-break: break-word; }
.params td:nth-child(2) { white-space: nowrap; word-break: normal; }
dl.responses { display: grid; grid-template-columns: 3.5rem 1fr; gap: .35rem .6rem; margin: .3rem 0; }
dl.responses dd { margin: 0; }
.status { font-weight: 700; font-family: ui-monospace, Menlo, Consolas, monospace; }
.s2 { color: #1f7a4d; } .s4 { color: #9a6200; } .s5 { color: #c62f2f; }
.note, .schema-name { margin: .2rem 0; font-size: .86rem; color: var(--muted); }
details { margin: .3rem 0; }
summary { cursor: pointer; color: var(--accent); }
pre { background: #0f1720; color: #e6edf3; padding: 1rem; border-radius: 8px; overflow-x: auto; line-height: 1.45; }
pre code { font-size: .82rem; }
pre:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
@media (max-width: 800px) { body { display: block; } .toc { position: static; width: auto; height: auto; } main { padding: 1rem; } }
`;
