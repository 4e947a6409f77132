import { ValidationPipe, ValidationError as CvError } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import { FieldError, ValidationError } from './domain-error';

function flatten(errors: CvError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) {
      // whitelist violations come as "property X should not exist"
      const messages = Object.entries(e.constraints).map(([k, m]) =>
        k === 'whitelistValidation' ? 'is not an allowed field' : m.replace(new RegExp(`^${e.property} `), ''),
      );
      out.push({ field, message: messages.join('; ') });
    }
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/**
 * The pipe's checks on one value that is not a whole body (e.g. each item of a bulk request, answered one by
 * one): the same DTO rules, unknown fields rejected, and the same field errors. Returns them (empty = valid)
 * with the instance.
 */
export function validateAs<T extends object>(cls: ClassConstructor<T>, plain: unknown): { value: T; errors: FieldError[] } {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { value: null as unknown as T, errors: [{ field: '', message: 'must be a JSON object' }] };
  }
  const value = plainToInstance(cls, plain);
  const errors = flatten(validateSync(value, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: false }));
  return { value, errors };
}

/** The one validation pipe: unknown fields rejected, every failure a 400 problem naming the field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ValidationError(flatten(errors)),
  });
}
