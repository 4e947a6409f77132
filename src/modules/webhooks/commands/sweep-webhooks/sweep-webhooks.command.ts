import { Command } from '@nestjs/cqrs';

export class SweepWebhooksCommand extends Command<{ events: number; deliveries: number; interrupted: number }> {}
