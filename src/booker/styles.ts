// What the public booking pages add to the shared stylesheet (src/web/styles.ts): a calm centred card, the month
// grid, time buttons, and a dark palette for prefers-color-scheme: dark. Every colour pair meets WCAG AA contrast.
export const PUBLIC_STYLES = `
body.public { color-scheme: light dark; }
.public main { max-width: 760px; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
.public .card { background: var(--panel); border: 1px solid var(--line); border-radius: 12px; padding: 1.25rem; }
.public .card + .card { margin-top: 1rem; }
/* A card's own padding is its edge: a paragraph first or last (the paid amount, the pay button) adds no gap to it. */
.public .card > :first-child { margin-top: 0; }
.public .card > :last-child { margin-bottom: 0; }
.public h1 { font-size: 1.5rem; margin: .1rem 0 .4rem; }
.public h2 { font-size: 1.1rem; margin: 0 0 .6rem; }
.public .host { color: var(--muted); font-weight: 600; margin: 0; }
.public .meta { display: flex; flex-wrap: wrap; gap: .3rem 1rem; color: var(--muted); margin: .2rem 0 0; padding: 0; list-style: none; }
.public .desc { margin: .6rem 0 0; white-space: pre-line; }
.public .hold-notice { margin: 0 0 .8rem; color: var(--muted); }
.public a:focus-visible, .public button:focus-visible, .public input:focus-visible, .public select:focus-visible, .public textarea:focus-visible, .public summary:focus-visible {
  outline: 3px solid var(--accent); outline-offset: 2px;
}
.public a { text-decoration: underline; text-underline-offset: 2px; }
/* Links read in --accent-strong: the accent (a host's brand colour) made readable on the page (src/branding/contrast.ts). */
.public a:not(.btn) { color: var(--accent-strong); }
.public a.btn, .public .times a, .public .cal a, .public .et a.et-link { text-decoration: none; }
.booker { display: grid; grid-template-columns: 1fr; gap: 1rem; margin-top: 1rem; align-items: start; }
.booker .card + .card { margin-top: 0; }
@media (min-width: 720px) { .booker.has-day { grid-template-columns: 1.15fr 1fr; } }
.month-nav { display: flex; align-items: center; justify-content: space-between; gap: .5rem; margin-bottom: .5rem; }
.month-nav h2 { margin: 0; }
.month-nav .nav { display: flex; gap: .4rem; }
.month-nav .off { color: var(--muted); padding: .45rem .8rem; border: 1px solid var(--line); border-radius: 6px; font-size: .88rem; }
table.cal { width: 100%; border-collapse: separate; border-spacing: 3px; table-layout: fixed; font-size: .95rem; }
table.cal th { background: none; text-transform: none; letter-spacing: 0; font-size: .8rem; text-align: center; padding: .2rem 0; color: var(--muted); border: 0; }
table.cal td { padding: 0; border: 0; text-align: center; height: 2.6rem; }
table.cal td span.none { color: var(--muted); display: inline-block; padding: .55rem 0; }
table.cal a { display: block; padding: .55rem 0; border-radius: 8px; background: var(--chip); color: var(--accent-strong); font-weight: 700; }
table.cal a:hover { background: var(--chip-hover); }
table.cal a[aria-current="date"] { background: var(--accent); color: var(--accent-ink); }
.times { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(7.5rem, 1fr)); gap: .5rem; }
.times a { display: block; text-align: center; padding: .6rem .4rem; border: 1px solid var(--accent); border-radius: 8px; color: var(--accent-strong); font-weight: 700; font-variant-numeric: tabular-nums; }
.times a:hover { background: var(--chip); }
.times .seats { display: block; font-weight: 400; font-size: .8rem; }
.zone { margin-top: 1rem; color: var(--muted); font-size: .9rem; }
.zone form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; margin-top: .4rem; }
.zone .field { flex: 1 1 14rem; }
.zone .fmt { display: flex; gap: .75rem; align-items: center; }
.series { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; margin-top: .75rem; }
.series p { flex: 1 1 100%; margin: 0; }
.series .field { flex: 0 1 10rem; }
.series-list { margin: .3rem 0 0; padding-inline-start: 1.4rem; }
.series-list li { margin: .15rem 0; }
.public .when { font-size: 1.05rem; font-weight: 700; margin: .3rem 0 0; }
.public .when-sub { color: var(--muted); margin: .15rem 0 0; }
.public form.stack-form { display: flex; flex-direction: column; gap: .9rem; }
.public .field label, .public legend { font-weight: 600; font-size: .92rem; }
.public fieldset { border: 0; padding: 0; margin: 0; display: flex; flex-direction: column; gap: .3rem; }
.public .req { color: var(--danger); }
.public .opt { color: var(--muted); font-weight: 400; }
.public .trap { position: absolute; inset-inline-start: -10000px; width: 1px; height: 1px; overflow: hidden; }
.public .status { display: inline-block; margin-top: .5rem; }
/* A long email or name wraps inside its card rather than widening the page (a 375 px phone scrolled sideways). */
/* Labels take their width up to 40% and wrap beyond it: a long question label must not squeeze the values. */
.public dl.kv { grid-template-columns: fit-content(40%) minmax(0, 1fr); }
.public .card { overflow-wrap: anywhere; }
.public .links { display: flex; flex-wrap: wrap; gap: .5rem; margin: .4rem 0 0; padding: 0; list-style: none; }
.public .et { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: .75rem; }
.public .et > li { border: 1px solid var(--line); border-radius: 10px; padding: .9rem 1rem; background: var(--panel); }
.public .et a.et-link { font-size: 1.1rem; font-weight: 700; color: var(--accent-strong); }
.public footer { text-align: center; color: var(--muted); font-size: .82rem; margin-top: 2rem; }
.public .logo { display: block; max-height: 48px; width: auto; max-width: 240px; margin: 0 0 .75rem; }
.public .errors a { color: inherit; }
:root { --chip: #e8eefc; --chip-hover: #d6e1fb; --accent-strong: #1d49b8; }
`;

// The dark palette's rules without their media query: src/branding/theme.ts applies them always, under
// prefers-color-scheme (the default, "system") or never, as the host's theme says.
export const PUBLIC_DARK = `
  :root {
    --bg: #11151b; --panel: #1a2028; --ink: #e7eaef; --muted: #a9b3c0; --line: #323b47; --soft: #232a34;
    --accent: #8db0ff; --accent-ink: #0b1220; --accent-strong: #a9c3ff; --danger: #ff8f8f; --ok: #7fdba6; --warn: #f2c46b;
    --chip: #22304a; --chip-hover: #2b3c5c;
  }
  .public input[type=text], .public input[type=email], .public input[type=number], .public input[type=url], .public input[type=tel],
  .public input:not([type]), .public select, .public textarea { background: #0f1318; color: var(--ink); border-color: #4a5566; }
  .public .errors, .public .flash.error { background: #3a1d1f; border-color: #7a3b3f; color: #ffd6d6; }
  .public .flash.ok { background: #173325; border-color: #2f6b4c; color: #cdeedb; }
  .public .badge { background: var(--soft); color: var(--ink); }
  .public .badge.ok { background: #173325; color: #9be3b9; }
  .public .badge.warn { background: #3a2d12; color: #f6d28e; }
  .public .badge.bad { background: #3a1d1f; color: #ffb3b3; }
  .public .btn { background: var(--soft); color: var(--ink); border-color: var(--line); }
  .public .btn.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-ink); }
  .public .btn.primary:hover { background: #a9c3ff; }
  .public .btn.danger { color: #ffb3b3; border-color: #7a3b3f; }
  .public .btn.danger.solid { background: #b33a3a; color: #fff; }
`;
// The shared stylesheet predates phone fields: give them the same look as the other inputs.
export const TEL_INPUT_STYLE = `
.public input[type=tel] { font: inherit; font-size: .92rem; padding: .45rem .6rem; border: 1px solid #cdd3da; border-radius: 6px; background: #fff; color: var(--ink); width: 100%; }
`;
// The language links under every page (no JavaScript needed to switch).
export const LANG_NAV_STYLE = `
.public footer nav ul { display: flex; flex-wrap: wrap; justify-content: center; gap: .2rem .8rem; list-style: none; margin: .5rem 0 0; padding: 0; }
`;
// An embedded page (?embed=1, src/embed/): the framing site's page around it, so no outer margin or footer space;
// its height is posted to the parent, so nothing may stretch it to the viewport.
export const EMBED_STYLE = `
.public.embed main { padding: .25rem .25rem .5rem; }
.public.embed footer { margin: .5rem 0; }
`;
