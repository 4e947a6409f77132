import { Command } from 'commander';
import { makeContext, must, print, table } from '../context';

type Globals = () => { url?: string; json?: boolean };

/** `payrail dlq list|retry JOB_ID` (admin token): dead-lettered payment jobs. */
export function dlqCommand(globals: Globals): Command {
  const cmd = new Command('dlq').description('dead-lettered payment jobs (admin token)');
  cmd
    .command('list')
    .description('jobs whose attempts are exhausted, with their reason')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const c = makeContext({ ...globals(), json: o.json || globals().json });
      const jobs = must(await c.client.GET('/v1/admin/dlq'), 'GET /v1/admin/dlq');
      print(c, jobs, (js) => (js.length ? table([['job', 'claim', 'attempts', 'failedAt', 'reason'], ...js.map((j) => [j.jobId, j.claimId, String(j.attemptsMade), j.failedAt, j.reason])]) : ['no dead-lettered jobs']));
    });
  cmd
    .command('retry')
    .description('give a dead-lettered claim a fresh payment job')
    .argument('<jobId>')
    .option('--json', 'print JSON')
    .action(async (jobId: string, o: { json?: boolean }) => {
      const c = makeContext({ ...globals(), json: o.json || globals().json });
      const res = must(await c.client.POST('/v1/admin/dlq/{jobId}/retry', { params: { path: { jobId } } }), 'POST /v1/admin/dlq/:jobId/retry');
      print(c, res, () => [`retried ${jobId}`]);
    });
  return cmd;
}

/** `payrail signers` (admin token): the signing keys, their next nonce, payouts in flight and balances. */
export function signersCommand(globals: Globals): Command {
  return new Command('signers')
    .description('the signing keys of this chain (admin token)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const c = makeContext({ ...globals(), json: o.json || globals().json });
      const signers = must(await c.client.GET('/v1/admin/signers'), 'GET /v1/admin/signers');
      print(c, signers, (ss) =>
        table([
          ['address', 'role', 'chain', 'nextNonce', 'inFlight', 'balances (base units)'],
          ...ss.map((s) => [s.address, s.role, String(s.chainId), String(s.nextNonce), String(s.inFlight), Object.entries(s.balances ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')]),
        ]),
      );
    });
}
