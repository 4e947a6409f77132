import { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/**
 * Streamed CSV exports (API.md "Programs, client, CLI, reports"): RFC 4180 text, one header row, rows pulled
 * from Postgres a keyset page at a time and written as they come, so an export of any size holds one page in
 * memory and one pooled connection only while a page is read (no cursor, no transaction held open while a
 * slow client reads).
 */

/** The media type every export answers with. */
export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8';

/** Rows per keyset page: one page is one query and one chunk written to the response. */
export const CSV_PAGE_SIZE = 1000;

/**
 * Characters that make a spreadsheet (Excel, LibreOffice, Google Sheets) read a cell as a formula (OWASP "CSV
 * injection"): `=`, `+`, `-`, `@`, and a leading tab or carriage return that some of them skip first.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A free-text value made inert for spreadsheets: prefixed with a single quote when it starts like a formula.
 * Only for free text a client typed (a claim's `reason`): numeric columns (`amount`, `-5` postings) must stay
 * exact for the sums accounting does, and ids, addresses and hashes never start with those characters.
 */
export function defuseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One field per RFC 4180: quoted (quotes doubled) when it holds a comma, a quote, CR or LF; null = empty. */
export function csvField(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One record: fields joined by commas, ended by CRLF (RFC 4180 §2.1). */
export function csvRecord(values: readonly (string | null | undefined)[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

/**
 * A column of an export: its header name and how a row gives its value (null = empty). `freeText` columns are
 * passed through `defuseFormula`. Adding a column is one entry in the export's list.
 */
export interface CsvColumn<R> {
  name: string;
  value: (row: R) => string | null;
  freeText?: boolean;
}

/** Reads the page after `after` (null = the first), at most `limit` rows, in the export's stable order. */
export type PageReader<R, K> = (after: K | null, limit: number) => Promise<R[]>;

export interface CsvExport<R, K> {
  columns: readonly CsvColumn<R>[];
  readPage: PageReader<R, K>;
  /** the keyset position of a row: the next page starts after the last row's */
  keyOf: (row: R) => K;
  pageSize?: number;
}

function renderPage<R>(columns: readonly CsvColumn<R>[], rows: readonly R[]): string {
  let out = '';
  for (const row of rows) {
    out += csvRecord(
      columns.map((c) => {
        const v = c.value(row);
        return c.freeText && v !== null ? defuseFormula(v) : v;
      }),
    );
  }
  return out;
}

/**
 * The export as a byte stream: the header row and the first page (read BEFORE this resolves, so a failing
 * query is still answered as a problem+json error, not a truncated 200), then one page per read. Pages are
 * pulled only as the client consumes them (Readable.from honours backpressure), and a client that goes away
 * destroys the stream, which stops the reading.
 */
export async function csvStream<R, K>(spec: CsvExport<R, K>): Promise<Readable> {
  const limit = spec.pageSize ?? CSV_PAGE_SIZE;
  const first = await spec.readPage(null, limit);
  async function* chunks(): AsyncGenerator<string> {
    let page = first;
    yield csvRecord(spec.columns.map((c) => c.name)) + renderPage(spec.columns, page);
    while (page.length === limit) {
      page = await spec.readPage(spec.keyOf(page[page.length - 1]!), limit);
      if (page.length) yield renderPage(spec.columns, page);
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/**
 * The stream as a Nest response body: CSV media type, an attachment named `filename`, never cached (an export
 * holds client data and changes with every payout). Errors thrown before this (validation, auth, the first
 * page) still go through the problem+json filter; a failure after the headers were sent can only cut the
 * connection: the chunked response never ends properly, so a client sees a failed download, not a short file.
 */
export function csvFile(reply: FastifyReply, stream: Readable, filename: string): StreamableFile {
  void reply.header('Cache-Control', 'no-store');
  return new StreamableFile(stream, { type: CSV_MEDIA_TYPE, disposition: `attachment; filename="${filename}"` });
}
