import { Command } from '@nestjs/cqrs';

export interface ResyncResult {
  address: string;
  previous: number;
  next: number;
  inFlight: number;
}

export class ResyncNonceCommand extends Command<ResyncResult> {
  constructor(
    readonly address: string,
    readonly force: boolean,
  ) {
    super();
  }
}
