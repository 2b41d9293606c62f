import type { FC } from 'hono/jsx';

/** Inline `code` spans only: descriptions are short and the page carries no markdown engine. */
export const Markdownish: FC<{ text: string }> = ({ text }) => (
  <span>{text.split(/(`[^`]+`)/).map((part) => (part.startsWith('`') && part.endsWith('`') && part.length > 1 ? <code>{part.slice(1, -1)}</code> : part))}</span>
);
