function messageIncludes(error: unknown, text: string): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.message.includes(text)) return true;
  }
  return false;
}

/** True when a D1 error (possibly wrapped by drizzle) is a UNIQUE constraint violation. */
export const isUniqueViolation = (error: unknown) => messageIncludes(error, 'UNIQUE constraint failed');

/** True for a FOREIGN KEY violation: the row referred to was deleted meanwhile. */
export const isForeignKeyViolation = (error: unknown) => messageIncludes(error, 'FOREIGN KEY constraint failed');
