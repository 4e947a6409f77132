import { Command, Query } from '@nestjs/cqrs';
import type { ProgramReport, ProgramView } from '../domain/program.view';

export class CreateProgramCommand extends Command<ProgramView> {
  constructor(
    readonly name: string,
    readonly token: string,
    readonly budget: string,
    /** the API key name (or admin name) that owns it */
    readonly owner: string,
  ) {
    super();
  }
}

/** `owner` null = an admin (any program); another key's program is answered as unknown (404). */
export class TopUpProgramCommand extends Command<ProgramView> {
  constructor(
    readonly id: string,
    readonly amount: string,
    readonly owner: string | null,
  ) {
    super();
  }
}

export class CloseProgramCommand extends Command<ProgramView> {
  constructor(
    readonly id: string,
    readonly owner: string | null,
  ) {
    super();
  }
}

export class GetProgramQuery extends Query<ProgramView> {
  constructor(
    readonly id: string,
    readonly owner: string | null,
  ) {
    super();
  }
}

export class GetProgramReportQuery extends Query<ProgramReport> {
  constructor(
    readonly id: string,
    readonly owner: string | null,
  ) {
    super();
  }
}

export class ListProgramsQuery extends Query<{ items: ProgramView[]; nextCursor: string | null }> {
  constructor(
    readonly owner: string | null,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
