/** A programs row (API.md "Programs"), amounts in base units as decimal strings. */
export interface ProgramRow {
  id: string;
  name: string;
  token: string;
  budgetBase: string;
  committedBase: string;
  status: 'open' | 'closed';
  createdBy: string;
  createdAt: Date;
  closedAt: Date | null;
}
