/**
 * A business rule broken, with a stable code (`CLAIM.NOT_CANCELLABLE`). Only the problem filter turns
 * these into HTTP responses; nothing else builds error bodies.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly detail: string,
    readonly field?: string,
  ) {
    super(detail);
  }
}

export interface FieldError {
  field: string;
  message: string;
}

/** Input rejected before any side effect (400 with `errors`). */
export class ValidationError extends DomainError {
  constructor(readonly errors: FieldError[]) {
    super('REQUEST.INVALID', errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}
