import { CommandHandler, ICommandHandler, IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ChainService } from '../../../platform/chain/chain.service';
import { ValidationError } from '../../../platform/errors/domain-error';
import { decodeCursor, encodeCursor } from '../../../platform/http/pagination';
import { UnknownTokenError } from '../../claims/domain/claim.errors';
import { MoneyError, parseAmount } from '../../claims/domain/money';
import { Accounts, transfer } from '../../ledger/domain/accounts';
import { LedgerService } from '../../ledger/ledger.service';
import { ProgramClosedError, ProgramNotFoundError } from '../domain/program.errors';
import { ProgramReport, ProgramView, toProgramReport, toProgramView } from '../domain/program.view';
import { ProgramRow } from '../persistence/program.entity';
import { ProgramsRepository } from '../persistence/programs.repository';
import {
  CloseProgramCommand,
  CreateProgramCommand,
  GetProgramQuery,
  GetProgramReportQuery,
  ListProgramsQuery,
  TopUpProgramCommand,
} from './program.commands';

function amountOf(field: string, raw: string, decimals: number, zeroAllowed: boolean): bigint {
  if (zeroAllowed && /^0+(\.0+)?$/.test(raw)) return 0n;
  try {
    return parseAmount(raw, decimals);
  } catch (err) {
    if (err instanceof MoneyError) throw new ValidationError([{ field, message: err.message }]);
    throw err;
  }
}

/** Reads a program with its totals as the API shows it (one place for every handler). */
async function viewOf(repo: ProgramsRepository, chain: ChainService, p: ProgramRow): Promise<ProgramView> {
  return toProgramView(p, await repo.totals(p.id), chain.token(p.token)?.decimals ?? 18);
}

/**
 * A program and its budget's funding journal in one transaction: `program.funded` moves the budget from the
 * rewards expense to `program:<id>:<TOKEN>`, which each claim of the program then draws on (the trial balance
 * stays zero). A budget of 0 is allowed (fund it later with top-ups).
 */
@CommandHandler(CreateProgramCommand)
export class CreateProgramHandler implements ICommandHandler<CreateProgramCommand> {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly repo: ProgramsRepository,
    private readonly ledger: LedgerService,
    private readonly chain: ChainService,
  ) {}

  async execute(cmd: CreateProgramCommand): Promise<ProgramView> {
    const token = this.chain.token(cmd.token.toUpperCase());
    if (!token) throw new UnknownTokenError(cmd.token.toUpperCase(), this.chain.tokenSymbols());
    const budget = amountOf('budget', cmd.budget, token.decimals, true);
    const p = await this.txHost.withTransaction(async () => {
      const p = await this.repo.insert({ name: cmd.name, token: token.symbol, budgetBase: budget, createdBy: cmd.owner });
      await this.ledger.post(`program:${p.id}:funded`, 'program.funded', p.id, transfer(Accounts.rewards(token.symbol), Accounts.program(p.id, token.symbol), token.symbol, budget));
      return p;
    });
    return viewOf(this.repo, this.chain, p);
  }
}

/** A top-up: budget += amount and its `program.top-up` journal, under the program's row lock. */
@CommandHandler(TopUpProgramCommand)
export class TopUpProgramHandler implements ICommandHandler<TopUpProgramCommand> {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly repo: ProgramsRepository,
    private readonly ledger: LedgerService,
    private readonly chain: ChainService,
  ) {}

  async execute(cmd: TopUpProgramCommand): Promise<ProgramView> {
    const p = await this.txHost.withTransaction(async () => {
      const p = await this.repo.find(cmd.id, cmd.owner, true);
      if (!p) throw new ProgramNotFoundError(cmd.id);
      if (p.status !== 'open') throw new ProgramClosedError(p.id);
      const amount = amountOf('amount', cmd.amount, this.chain.token(p.token)?.decimals ?? 18, false);
      await this.repo.addBudget(p.id, amount);
      const journal = `program:${p.id}:top-up:${BigInt(p.budgetBase) + amount}`; // unique: the budget only grows (a retried request: Idempotency-Key)
      await this.ledger.post(journal, 'program.top-up', p.id, transfer(Accounts.rewards(p.token), Accounts.program(p.id, p.token), p.token, amount));
      return (await this.repo.find(p.id, null))!;
    });
    return viewOf(this.repo, this.chain, p);
  }
}

/** Closing: no new claims or top-ups; claims already in it are paid (or voided) as usual. Idempotent. */
@CommandHandler(CloseProgramCommand)
export class CloseProgramHandler implements ICommandHandler<CloseProgramCommand> {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly repo: ProgramsRepository,
    private readonly chain: ChainService,
  ) {}

  async execute(cmd: CloseProgramCommand): Promise<ProgramView> {
    const p = await this.txHost.withTransaction(async () => {
      const p = await this.repo.find(cmd.id, cmd.owner, true);
      if (!p) throw new ProgramNotFoundError(cmd.id);
      await this.repo.close(p.id);
      return (await this.repo.find(p.id, null))!;
    });
    return viewOf(this.repo, this.chain, p);
  }
}

@QueryHandler(GetProgramQuery)
export class GetProgramHandler implements IQueryHandler<GetProgramQuery> {
  constructor(
    private readonly repo: ProgramsRepository,
    private readonly chain: ChainService,
  ) {}

  async execute(q: GetProgramQuery): Promise<ProgramView> {
    const p = await this.repo.find(q.id, q.owner);
    if (!p) throw new ProgramNotFoundError(q.id);
    return viewOf(this.repo, this.chain, p);
  }
}

@QueryHandler(GetProgramReportQuery)
export class GetProgramReportHandler implements IQueryHandler<GetProgramReportQuery> {
  constructor(
    private readonly repo: ProgramsRepository,
    private readonly chain: ChainService,
  ) {}

  async execute(q: GetProgramReportQuery): Promise<ProgramReport> {
    const p = await this.repo.find(q.id, q.owner);
    if (!p) throw new ProgramNotFoundError(q.id);
    return toProgramReport(p, await this.repo.totals(p.id), this.chain.token(p.token)?.decimals ?? 18);
  }
}

@QueryHandler(ListProgramsQuery)
export class ListProgramsHandler implements IQueryHandler<ListProgramsQuery> {
  constructor(
    private readonly repo: ProgramsRepository,
    private readonly chain: ChainService,
  ) {}

  async execute(q: ListProgramsQuery): Promise<{ items: ProgramView[]; nextCursor: string | null }> {
    const rows = await this.repo.list(q.owner, q.limit, q.cursor ? decodeCursor(q.cursor) : null);
    const items = await Promise.all(rows.map((p) => viewOf(this.repo, this.chain, p)));
    const last = rows[rows.length - 1];
    return { items, nextCursor: rows.length === q.limit && last ? encodeCursor(last.cursorAt, last.id) : null };
  }
}
