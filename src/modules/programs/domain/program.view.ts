import { formatAmount } from '../../claims/domain/money';
import { ProgramRow } from '../persistence/program.entity';
import { ProgramTotals } from '../persistence/programs.repository';

/** The claim statuses that hold budget without having paid yet. */
const RESERVING = ['pending', 'held', 'processing', 'submitted'];

/** A program as API.md shows it: amounts as decimal strings in the program's token, gas in ETH. */
export interface ProgramView {
  id: string;
  name: string;
  token: string;
  budget: string;
  reserved: string;
  spent: string;
  gas: string;
  remaining: string;
  status: 'open' | 'closed';
  claims: number;
  createdAt: string;
  closedAt: string | null;
}

export function toProgramView(p: ProgramRow, totals: ProgramTotals, decimals: number): ProgramView {
  const sum = (statuses: string[]) => statuses.reduce((acc, s) => acc + BigInt(totals.byStatus[s]?.amountBase ?? '0'), 0n);
  return {
    id: p.id,
    name: p.name,
    token: p.token,
    budget: formatAmount(p.budgetBase, decimals),
    reserved: formatAmount(sum(RESERVING), decimals),
    spent: formatAmount(sum(['completed']), decimals),
    gas: formatAmount(totals.gasWei, 18),
    remaining: formatAmount(BigInt(p.budgetBase) - BigInt(p.committedBase), decimals),
    status: p.status,
    claims: Object.values(totals.byStatus).reduce((n, s) => n + s.count, 0),
    createdAt: new Date(p.createdAt).toISOString(),
    closedAt: p.closedAt ? new Date(p.closedAt).toISOString() : null,
  };
}

/** GET /v1/programs/:id/report: the program and its claims' counts and amounts by status. */
export interface ProgramReport {
  program: ProgramView;
  byStatus: Record<string, { count: number; amount: string }>;
}

export function toProgramReport(p: ProgramRow, totals: ProgramTotals, decimals: number): ProgramReport {
  return {
    program: toProgramView(p, totals, decimals),
    byStatus: Object.fromEntries(Object.entries(totals.byStatus).map(([s, t]) => [s, { count: t.count, amount: formatAmount(t.amountBase, decimals) }])),
  };
}
