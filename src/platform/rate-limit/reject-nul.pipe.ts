import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ValidationError } from '../errors/domain-error';

/** The path of the first string containing U+0000 in `value`, or null. */
export function findNul(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value)) {
    if (k.includes('\u0000')) return path ? `${path}.${k.replace(/\u0000/g, '\\u0000')}` : k.replace(/\u0000/g, '\\u0000');
    const found = findNul(v, path ? (Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`) : k, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Input hardening: no body, query or path value may contain a NUL character. Postgres text cannot store
 * U+0000, so such input would otherwise surface as a 500 from whichever query first touched it; here it is
 * a 400 naming the field, before any handler runs. Global (bootstrap), ahead of the validation pipe.
 */
@Injectable()
export class RejectNulPipe implements PipeTransform {
  transform(value: unknown, meta: ArgumentMetadata): unknown {
    if (meta.type !== 'body' && meta.type !== 'query' && meta.type !== 'param') return value;
    const field = findNul(value, meta.data ?? '');
    if (field !== null) throw new ValidationError([{ field: field || meta.type, message: 'must not contain NUL characters' }]);
    return value;
  }
}
