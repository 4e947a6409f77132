import { Injectable } from '@nestjs/common';
import { DomainError } from '../../platform/errors/domain-error';
import { formatAmount } from '../claims/domain/money';
import { Accounts } from '../ledger/domain/accounts';
import { BudgetExceededError, ProgramClosedError, ProgramNotFoundError, ProgramTokenMismatchError } from './domain/program.errors';
import { ProgramsRepository } from './persistence/programs.repository';

/** A claim asking a program's budget: its program, token and amount. */
export interface BudgetAsk {
  programId: string;
  token: string;
  amountBase: bigint;
  decimals: number;
}

/**
 * The budget side of claim intake (API.md "Programs"): called inside the claim's transaction. `check` locks the
 * named programs (FOR UPDATE, in id order) and answers, in request order, which asks fit what each program has
 * left (budget - committed), counting each fitting ask against the rest; the lock is held to commit, so two
 * requests never both spend the same remainder. The caller then stores the claims and `commit`s what it stored
 * (a claim another request created meanwhile is not stored, and not counted). `release` gives a cancelled or
 * failed claim's amount back. The CHECK constraints on `programs` (0 <= committed <= budget) are the last line.
 */
@Injectable()
export class ProgramBudget {
  constructor(private readonly repo: ProgramsRepository) {}

  /** Each ask's refusal (null = it fits), in order; `owner` = the API key asking (null = an admin, any program). */
  async check(asks: BudgetAsk[], owner: string | null): Promise<(DomainError | null)[]> {
    const ids = [...new Set(asks.map((a) => a.programId))];
    const programs = new Map((await this.repo.lockMany(ids, owner)).map((p) => [p.id, p]));
    const left = new Map([...programs.values()].map((p) => [p.id, BigInt(p.budgetBase) - BigInt(p.committedBase)]));
    return asks.map((a) => {
      const p = programs.get(a.programId);
      if (!p) return new ProgramNotFoundError(a.programId); // another key's program is answered as unknown
      if (p.status !== 'open') return new ProgramClosedError(p.id);
      if (p.token !== a.token) return new ProgramTokenMismatchError(p.token, a.token);
      const remaining = left.get(p.id)!;
      if (a.amountBase > remaining) return new BudgetExceededError(formatAmount(remaining, a.decimals), p.token, formatAmount(a.amountBase, a.decimals));
      left.set(p.id, remaining - a.amountBase);
      return null;
    });
  }

  /** What the stored claims now hold, per program (inside the transaction that stored them). */
  async commit(stored: { programId: string | null; amountBase: string | bigint }[]): Promise<void> {
    const sums = new Map<string, bigint>();
    for (const c of stored) if (c.programId) sums.set(c.programId, (sums.get(c.programId) ?? 0n) + BigInt(c.amountBase));
    for (const id of [...sums.keys()].sort()) await this.repo.addCommitted(id, sums.get(id)!);
  }

  /** A cancelled or failed claim's amount goes back to its program (inside the transaction that voided it). */
  async release(programId: string, amountBase: bigint): Promise<void> {
    await this.repo.addCommitted(programId, -amountBase);
  }

  /** The account a claim's entitlement is debited to: its program's budget, else the rewards expense. */
  static sourceAccount(programId: string | null, token: string): string {
    return programId ? Accounts.program(programId, token) : Accounts.rewards(token);
  }
}
