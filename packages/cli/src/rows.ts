/**
 * Local checks of an import CSV: only its SHAPE (a header naming the four columns, four non-empty fields per
 * row). Everything else (address checksums, amount decimals, known tokens, reserved reasons, budgets) is the
 * server's to decide, so the CLI never disagrees with the API about what a valid claim is.
 */
export const COLUMNS = ['wallet', 'token', 'amount', 'reason'] as const;
export type Column = (typeof COLUMNS)[number];
export type ClaimRow = Record<Column, string>;

/** Where each column sits in the file: the header may list the four names in any order. */
export type HeaderMap = Record<Column, number>;

/** Reads the header row, or says why it is not one (the import stops: exit 1). */
export function parseHeader(fields: string[]): HeaderMap | { error: string } {
  const names = fields.map((f) => f.trim().toLowerCase());
  const expected = `expected a header row with the columns ${COLUMNS.join(',')}, got "${fields.join(',')}"`;
  if (names.length !== COLUMNS.length || new Set(names).size !== names.length) return { error: expected };
  const map: Partial<HeaderMap> = {};
  for (const c of COLUMNS) {
    const at = names.indexOf(c);
    if (at < 0) return { error: expected };
    map[c] = at;
  }
  return map as HeaderMap;
}

/** A row refused before anything was sent: its code and why. */
export interface LocalRefusal {
  code: 'CSV.COLUMN_COUNT' | 'CSV.EMPTY_FIELD';
  detail: string;
}

/** A data row as a claim (fields trimmed), or why it is malformed. */
export function parseRow(fields: string[], header: HeaderMap): { row: ClaimRow } | { refusal: LocalRefusal } {
  if (fields.length !== COLUMNS.length) {
    return { refusal: { code: 'CSV.COLUMN_COUNT', detail: `expected ${COLUMNS.length} columns, got ${fields.length}` } };
  }
  const row = {} as ClaimRow;
  const empty: Column[] = [];
  for (const c of COLUMNS) {
    row[c] = (fields[header[c]] ?? '').trim();
    if (row[c] === '') empty.push(c);
  }
  if (empty.length) return { refusal: { code: 'CSV.EMPTY_FIELD', detail: `empty ${empty.join(', ')}` } };
  return { row };
}

/** The fields of a refused row in column order, for the report (missing ones empty, extra ones dropped). */
export function originalColumns(fields: string[], header: HeaderMap | undefined): string[] {
  return COLUMNS.map((c, i) => fields[header ? header[c] : i] ?? '');
}
