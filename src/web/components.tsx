// The small pieces forms and lists are built from, shared by the admin and the public booking pages.
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import type { ErrorIssue } from '../lib/errors';
import { CSRF_FIELD } from './csrf';
import type { Flash } from './http';

export const FlashMessage: FC<{ flash: Flash }> = ({ flash }) => (
  <div class={`flash ${flash.kind}`} role={flash.kind === 'error' ? 'alert' : 'status'}>
    {flash.text}
    {flash.secret && (
      <>
        <code class="secret" id="generated-secret">
          {flash.secret}
        </code>
        <span class="small">Copy it now: it is shown only this once and cannot be read back.</span>
      </>
    )}
  </div>
);

export const CsrfField: FC<{ token: string }> = ({ token }) => <input type="hidden" name={CSRF_FIELD} value={token} />;

/** A one-button POST form: every state change is a POST carrying the CSRF token, never a link. */
export const PostButton: FC<{ action: string; csrf: string; label: string; class?: string; hidden?: Record<string, string> }> = (p) => (
  <form method="post" action={p.action}>
    <CsrfField token={p.csrf} />
    {Object.entries(p.hidden ?? {}).map(([name, value]) => (
      <input type="hidden" name={name} value={value} />
    ))}
    <button type="submit" class={p.class ?? 'btn small'}>
      {p.label}
    </button>
  </form>
);

/**
 * Every issue of a failed submission, above the form (the same messages sit next to their fields). With `fieldIds`,
 * each issue links to its field's control so a keyboard or screen reader user can jump straight to it.
 */
export const ErrorSummary: FC<{ message?: string; issues: ErrorIssue[]; fieldIds?: Record<string, string>; id?: string }> = ({ message, issues, fieldIds, id }) =>
  message || issues.length > 0 ? (
    <div class="errors" role="alert" id={id}>
      <strong>{message ?? 'Please fix the following:'}</strong>
      {issues.length > 0 && (
        <ul>
          {issues.map((i) => {
            const target = fieldIds?.[i.path];
            if (fieldIds) return <li>{target ? <a href={`#${target}`}>{i.message}</a> : i.message}</li>;
            return <li>{i.path ? `${i.path}: ${i.message}` : i.message}</li>;
          })}
        </ul>
      )}
    </div>
  ) : null;

export const Field: FC<PropsWithChildren<{ label: string; name: string; issues?: ErrorIssue[]; hint?: string; wide?: boolean }>> = (p) => {
  const mine = (p.issues ?? []).filter((i) => i.path === p.name);
  const classes = ['field', p.wide ? 'wide' : '', mine.length ? 'invalid' : ''].filter(Boolean).join(' ');
  return (
    <div class={classes}>
      <label for={p.name}>{p.label}</label>
      {p.children}
      {p.hint && <span class="hint">{p.hint}</span>}
      {mine.map((i) => (
        <span class="error">{i.message}</span>
      ))}
    </div>
  );
};

export const Checkbox: FC<{ name: string; label: string; checked: boolean; value?: string }> = (p) => (
  <label class="check">
    <input type="checkbox" name={p.name} value={p.value ?? 'on'} checked={p.checked} />
    {p.label}
  </label>
);

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'plain';
export const Badge: FC<{ tone: Tone; children: Child }> = ({ tone, children }) => (
  <span class={tone === 'plain' ? 'badge' : `badge ${tone}`}>{children}</span>
);

export const Empty: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <div class="empty">
    <strong>{title}</strong>
    {children}
  </div>
);

/** A bordered, horizontally scrollable table with a header row, or the empty state when there are no rows. */
export const ListTable: FC<{ id: string; columns: (string | { label: string; title: string })[]; count: number; empty: Child; children?: Child }> = (p) => (
  <div class="table-wrap">
    {p.count === 0 ? (
      p.empty
    ) : (
      <table id={p.id}>
        <thead>
          <tr>
            {p.columns.map((col) => (typeof col === 'string' ? <th>{col}</th> : <th title={col.title}>{col.label}</th>))}
          </tr>
        </thead>
        <tbody>{p.children}</tbody>
      </table>
    )}
  </div>
);

export const Pager: FC<{ next: string | null; first?: string | null; count: number }> = ({ next, first, count }) => (
  <div class="pager">
    <span>
      {count} shown{first ? ' · ' : ''}
      {first && <a href={first}>First page</a>}
    </span>
    {next ? (
      <a class="btn small" href={next} rel="next">
        Next page →
      </a>
    ) : (
      <span>End of list</span>
    )}
  </div>
);
