import { ValidationPipe, ValidationError as CvError } from '@nestjs/common';
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
