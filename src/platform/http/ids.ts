/** A UUID, any case (path parameters and payload ids). */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A path id that must be a UUID: anything else cannot exist, so it is answered like an unknown id (404,
 * via the caller's not-found error) rather than reaching Postgres as a bad cast. Returns it lower-cased.
 */
export function uuidOr404(id: string, notFound: (shown: string) => Error): string {
  if (!UUID_RE.test(id)) throw notFound(id.slice(0, 64));
  return id.toLowerCase();
}
