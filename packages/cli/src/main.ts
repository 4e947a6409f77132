import { Command, CommanderError } from 'commander';
import { CliError } from './context';
import { claimsImportCommand } from './commands/claims-import';
import { claimsWatchCommand } from './commands/claims-watch';
import { programsCommand } from './commands/programs';
import { dlqCommand, signersCommand } from './commands/admin';
import { reportCommand } from './commands/report';

/**
 * `payrail`: the command line for Payrail, on @payrail/client. Environment: PAYRAIL_URL (default
 * http://127.0.0.1:3000), PAYRAIL_API_KEY, PAYRAIL_ADMIN_TOKEN. Exit codes: 0 done, 2 done with refused (or
 * failed) rows, 1 the command failed (one line on stderr; never the key or the token).
 */
export function buildProgram(): Command {
  const program = new Command('payrail')
    .description('Payrail from the command line: import and watch claims, programs, DLQ, signers, reports')
    .version((require('../package.json') as { version: string }).version)
    .option('--url <url>', 'the Payrail API (default $PAYRAIL_URL or http://127.0.0.1:3000)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nEnvironment: PAYRAIL_URL, PAYRAIL_API_KEY, PAYRAIL_ADMIN_TOKEN (admin commands).\nExit codes: 0 ok, 2 some rows refused (import) or claims failed (watch), 1 failure.',
    )
    .exitOverride()
    .showHelpAfterError();
  const globals = () => program.opts() as { url?: string; json?: boolean };
  const claims = new Command('claims').description('bulk intake and progress of claims');
  claims.addCommand(claimsImportCommand(globals)).addCommand(claimsWatchCommand(globals));
  for (const c of [claims, programsCommand(globals), dlqCommand(globals), signersCommand(globals), reportCommand(globals)]) program.addCommand(c);
  // every subcommand exits through the same path (help and usage errors too)
  const override = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1; // help/version: 0; usage errors already printed
    process.stderr.write(`payrail: ${errorLine(err)}\n`);
    return 1;
  }
}

/** One line for an unexpected error: its message and, for a network failure, the cause's code. */
export function errorLine(err: unknown): string {
  if (err instanceof CliError) return err.message.split('\n')[0]!;
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  const code = cause && typeof cause.code === 'string' ? ` (${cause.code})` : '';
  return `${message.split('\n')[0]}${code}${message === 'fetch failed' ? ': is PAYRAIL_URL (or --url) right?' : ''}`;
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
