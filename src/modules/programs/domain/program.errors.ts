import { DomainError } from '../../../platform/errors/domain-error';

export class ProgramNotFoundError extends DomainError {
  constructor(id: string) {
    super('PROGRAM.NOT_FOUND', `No program with id ${id}`, 'program');
  }
}

/** 409: the claim does not fit what the program has left (API.md "Programs"); nothing was stored. */
export class BudgetExceededError extends DomainError {
  constructor(remaining: string, token: string, asked: string) {
    super('PROGRAM.BUDGET_EXCEEDED', `The program has ${remaining} ${token} left; this claim needs ${asked} ${token}. Nothing was stored; top the program up first.`, 'program');
  }
}

/** 409: a closed program takes no new claims and no top-ups. */
export class ProgramClosedError extends DomainError {
  constructor(id: string) {
    super('PROGRAM.CLOSED', `Program ${id} is closed: it takes no new claims or top-ups`, 'program');
  }
}

/** 400: the claim's token is not the program's. */
export class ProgramTokenMismatchError extends DomainError {
  constructor(programToken: string, token: string) {
    super('PROGRAM.TOKEN_MISMATCH', `The program pays ${programToken}; this claim is in ${token}`, 'program');
  }
}
