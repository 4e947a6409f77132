import type { Problem } from './types';

/**
 * A non-2xx answer, thrown by the helpers that return data directly (`paginate`); the generated methods
 * (`client.GET` ...) return `{ error, response }` instead, as openapi-fetch does.
 */
export class PayrailError extends Error {
  constructor(
    readonly status: number,
    /** the RFC 9457 body when the server sent one */
    readonly problem: Problem | undefined,
    readonly response: Response,
  ) {
    super(`${status}${problem?.code ? ` ${problem.code}` : ''}: ${problem?.detail ?? problem?.title ?? response.statusText}`);
    this.name = 'PayrailError';
  }

  /** the problem's machine-readable code (`CLAIM.CLAIMED_BY_ANOTHER_CLIENT`...) */
  get code(): string | undefined {
    return this.problem?.code;
  }
}
