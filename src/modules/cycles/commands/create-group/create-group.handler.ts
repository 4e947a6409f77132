import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { getAddress } from 'ethers';
import { ChainService } from '../../../../platform/chain/chain.service';
import { FieldError, ValidationError } from '../../../../platform/errors/domain-error';
import { MAX_UINT256, MoneyError, parseAmount } from '../../../claims/domain/money';
import { toGroupView, GroupView } from '../../domain/group.view';
import { CyclesRepository } from '../../persistence/cycles.repository';
import { CreateGroupCommand } from './create-group.command';

/** A group and its members (payout order = members order), in one transaction. */
@CommandHandler(CreateGroupCommand)
export class CreateGroupHandler implements ICommandHandler<CreateGroupCommand> {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly repo: CyclesRepository,
    private readonly chain: ChainService,
  ) {}

  async execute(cmd: CreateGroupCommand): Promise<GroupView> {
    const errors: FieldError[] = [];
    const token = this.chain.token(cmd.token);
    if (!token) errors.push({ field: 'token', message: `unknown token "${cmd.token}"; configured: ${this.chain.tokenSymbols().join(', ')}` });
    let base = 0n;
    if (token) {
      try {
        base = parseAmount(cmd.contributionAmount, token.decimals);
        if (base * BigInt(cmd.members.length) > MAX_UINT256) errors.push({ field: 'contributionAmount', message: 'the pot would exceed 2^256-1 base units' });
      } catch (err) {
        if (!(err instanceof MoneyError)) throw err;
        errors.push({ field: 'contributionAmount', message: err.message });
      }
    }
    const members: string[] = [];
    const seen = new Set<string>();
    cmd.members.forEach((raw, i) => {
      let m: string;
      try {
        m = getAddress(raw); // mixed case must carry a valid EIP-55 checksum
      } catch {
        errors.push({ field: `members.${i}`, message: 'has an invalid EIP-55 checksum (use all lower case or the correct mixed case)' });
        return;
      }
      if (seen.has(m)) errors.push({ field: `members.${i}`, message: `${m} appears more than once` });
      seen.add(m);
      members.push(m);
    });
    if (errors.length) throw new ValidationError(errors);

    const id = await this.txHost.withTransaction(() =>
      this.repo.insertGroup({ name: cmd.name, token: token!.symbol, decimals: token!.decimals, contributionBase: base, members, createdBy: cmd.createdBy }),
    );
    const g = (await this.repo.findGroup(id))!;
    return toGroupView(g, members, [], []);
  }
}
