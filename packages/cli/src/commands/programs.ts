import { Command } from 'commander';
import type { components } from '@payrail/client';
import { Context, makeContext, must, print, table } from '../context';

type Program = components['schemas']['ProgramDto'];
type Globals = () => { url?: string; json?: boolean };

const header = ['id', 'name', 'token', 'budget', 'reserved', 'spent', 'remaining', 'claims', 'status'];
const rowOf = (p: Program) => [p.id, p.name, p.token, p.budget, p.reserved, p.spent, p.remaining, String(p.claims), p.status];
const lines = (p: Program) => [
  `${p.id}  ${p.name} (${p.token}, ${p.status})`,
  `budget ${p.budget}, reserved ${p.reserved}, spent ${p.spent}, remaining ${p.remaining}, gas ${p.gas} ETH, ${p.claims} claims`,
];

/** `payrail programs list|create|show|top-up|close`: campaigns with a budget (API.md "Programs"). */
export function programsCommand(globals: Globals): Command {
  const ctx = (json?: boolean): Context => makeContext({ ...globals(), json: json || globals().json });
  const cmd = new Command('programs').description('programs: budgets that pay claims');
  cmd
    .command('list')
    .description("this key's programs, newest first")
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const c = ctx(o.json);
      const all: Program[] = [];
      let cursor: string | undefined;
      do {
        const page = must(await c.client.GET('/v1/programs', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }), 'GET /v1/programs');
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      print(c, all, (ps) => table([header, ...ps.map(rowOf)]));
    });
  cmd
    .command('create')
    .description('create a program with a budget')
    .requiredOption('--name <name>', 'its name')
    .requiredOption('--token <symbol>', 'the token it pays (e.g. USDC)')
    .requiredOption('--budget <amount>', 'its budget in token units (decimal string)')
    .option('--json', 'print JSON')
    .action(async (o: { name: string; token: string; budget: string; json?: boolean }) => {
      const c = ctx(o.json);
      const p = must(await c.client.POST('/v1/programs', { body: { name: o.name, token: o.token, budget: o.budget } }), 'POST /v1/programs');
      print(c, p, lines);
    });
  cmd
    .command('show')
    .description('a program: budget, reserved, spent, gas, remaining')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const c = ctx(o.json);
      print(c, must(await c.client.GET('/v1/programs/{id}', { params: { path: { id } } }), 'GET /v1/programs/:id'), lines);
    });
  cmd
    .command('top-up')
    .description("add to a program's budget")
    .argument('<id>')
    .requiredOption('--amount <amount>', 'token units (decimal string)')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { amount: string; json?: boolean }) => {
      const c = ctx(o.json);
      const p = must(await c.client.POST('/v1/programs/{id}/top-ups', { params: { path: { id } }, body: { amount: o.amount } }), 'POST /v1/programs/:id/top-ups');
      print(c, p, lines);
    });
  cmd
    .command('close')
    .description('close a program: no new claims or top-ups (its claims are still paid)')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const c = ctx(o.json);
      print(c, must(await c.client.POST('/v1/programs/{id}/close', { params: { path: { id } } }), 'POST /v1/programs/:id/close'), lines);
    });
  return cmd;
}
