import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** This process's identity as a lease owner and audit actor. */
export const WORKER_ID = Symbol('WORKER_ID');

export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
