import { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { ClsService } from 'nestjs-cls';
import { AppModule } from '../../src/app.module';
import { preflight } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/config';
import { CompleteCycleCommand, CompleteCycleResult } from '../../src/modules/cycles/commands/complete-cycle/complete-cycle.command';
import { RecordContributionCommand } from '../../src/modules/cycles/commands/record-contribution/record-contribution.command';
import { CycleLock } from '../../src/modules/cycles/domain/cycle-lock';
import { bootApp, http, newWorld, sql, TestApp, World } from '../helpers/app';
import { freshWallet } from '../helpers/chain';

/**
 * Test double for acceptance 4: no advisory lock and no row lock. Worse than a no-op: the first 10 callers
 * are held at a barrier until all 10 are there (at most 2 s), so their transactions all read "cycle 1,
 * complete" before any of them writes — the race the locks normally prevent is forced to happen. Later
 * callers pass straight through.
 */
class NoLockBarrier extends CycleLock {
  private waiting: (() => void)[] = [];
  private opened = false;

  async acquire(): Promise<void> {
    if (this.opened) return;
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      const open = () => {
        this.opened = true;
        this.waiting.splice(0).forEach((r) => r());
      };
      if (this.waiting.length >= 10) open();
      else setTimeout(open, 2000);
    });
  }
}

/**
 * Acceptance 4: contributions are recorded, then 100 "check and complete" commands run in parallel -> one
 * payout. With the real lock (advisory lock + FOR UPDATE) they serialize and nobody even reaches the unique
 * constraint. With the lock removed (test double above, in a second app instance on the same database) the
 * losers hit UNIQUE (group_id, cycle_number), are rolled back and report `already-completed`: still one
 * claim, one payout row, one pot journal, and no error.
 */
describe('100 concurrent completions of one cycle pay once, with and without the lock', () => {
  let world: World;
  let app: TestApp;
  let unlocked: INestApplicationContext;

  beforeAll(async () => {
    world = newWorld();
    app = await bootApp(world, { RL_PER_MIN_IP: '100000' });
    const config = await preflight(loadConfig({ ...world.env, ROLE: 'worker' }), () => undefined);
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] })
      .overrideProvider(CycleLock)
      .useValue(new NoLockBarrier())
      .compile();
    unlocked = await moduleRef.init();
  });
  afterAll(async () => {
    await unlocked?.close();
    await app?.close();
  });

  async function groupWithAllContributions(ctx: INestApplicationContext): Promise<{ groupId: string; members: string[] }> {
    const members = [freshWallet(), freshWallet(), freshWallet()];
    const g = await http(app, 'POST', '/v1/groups', { name: 'race', token: 'ETH', contributionAmount: '0.001', members });
    expect(g.status).toBe(201);
    const groupId = g.body.id as string;
    const bus = ctx.get(CommandBus);
    const cls = ctx.get(ClsService);
    for (const wallet of members) {
      const r = await cls.run(() =>
        bus.execute(new RecordContributionCommand('acme', `acme:race-${groupId}-${wallet}`, { groupId, cycle: 1, wallet, amount: '0.001', token: 'ETH' })),
      );
      expect(r.status).toBe('recorded');
    }
    return { groupId, members };
  }

  async function race(ctx: INestApplicationContext, groupId: string): Promise<Record<string, number>> {
    const bus = ctx.get(CommandBus);
    const cls = ctx.get(ClsService);
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => cls.run(() => bus.execute(new CompleteCycleCommand(groupId, `test:racer-${i}`)))),
    );
    const errors = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(errors).toEqual([]);
    const counts: Record<string, number> = {};
    for (const r of results as PromiseFulfilledResult<CompleteCycleResult>[]) counts[r.value.status] = (counts[r.value.status] ?? 0) + 1;
    return counts;
  }

  async function expectPaidOnce(groupId: string, members: string[]): Promise<void> {
    const claims = await sql(world, `SELECT id, wallet, amount_base::text AS amount FROM claims WHERE reason LIKE $1`, [`cycle:${groupId}:%`]);
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ wallet: members[0], amount: '3000000000000000' });
    const payouts = await sql(world, `SELECT cycle_number, claim_id FROM cycle_payouts WHERE group_id = $1`, [groupId]);
    expect(payouts).toEqual([{ cycle_number: 1, claim_id: claims[0].id }]);
    expect((await sql(world, `SELECT current_cycle FROM savings_groups WHERE id = $1`, [groupId]))[0].current_cycle).toBe(2);
    expect((await sql(world, `SELECT count(*)::int AS n FROM ledger_journals WHERE id LIKE $1`, [`cycle:${groupId}:%`]))[0].n).toBe(1);
    expect((await sql(world, `SELECT count(*)::int AS n FROM ledger_journals WHERE id = $1`, [`claim:${claims[0].id}`]))[0].n).toBe(1);
    const bal = await http(app, 'GET', `/v1/ledger/balances?account=${encodeURIComponent(`group:${groupId}:ETH`)}`);
    expect(bal.body[0].balanceBase).toBe('0');
  }

  it('with the advisory lock: one completes, 99 find the next cycle incomplete, none reach the constraint', async () => {
    const appCtx = app.running.app;
    const { groupId, members } = await groupWithAllContributions(appCtx);
    const t0 = Date.now();
    const counts = await race(appCtx, groupId);
    // eslint-disable-next-line no-console
    console.log(`with lock: ${JSON.stringify(counts)} in ${Date.now() - t0} ms`);
    expect(counts).toEqual({ completed: 1, incomplete: 99 });
    await expectPaidOnce(groupId, members);
  });

  it('without any lock (test double): the unique constraint alone still allows one payout', async () => {
    const { groupId, members } = await groupWithAllContributions(unlocked);
    const t0 = Date.now();
    const counts = await race(unlocked, groupId);
    // eslint-disable-next-line no-console
    console.log(`without lock: ${JSON.stringify(counts)} in ${Date.now() - t0} ms`);
    expect(counts.completed).toBe(1);
    expect(counts['already-completed'] ?? 0).toBeGreaterThan(0); // the constraint really fired
    expect((counts.completed ?? 0) + (counts['already-completed'] ?? 0) + (counts.incomplete ?? 0)).toBe(100);
    await expectPaidOnce(groupId, members);
    expect((await sql(world, `SELECT count(*)::int AS n FROM claims WHERE reason LIKE 'cycle:%'`))[0].n).toBe(2);
  });
});
