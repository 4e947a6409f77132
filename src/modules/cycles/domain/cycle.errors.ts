import { DomainError } from '../../../platform/errors/domain-error';

export class GroupNotFoundError extends DomainError {
  constructor(id: string) {
    super('GROUP.NOT_FOUND', `No savings group with id ${id}`);
  }
}
