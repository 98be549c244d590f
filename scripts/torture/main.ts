import { parseArgs } from 'node:util';
import { z } from 'zod';
import { runTorture } from './run';

/**
 * `npm run torture -- --seed <n> --ops <n> [--workers <n>] [--kill]`: random, concurrent user activity on both sides
 * under injected faults, then a check that everything converged (see README, "Torture test"). The last line is
 * `TORTURE {json}`; the exit code is 1 when anything is wrong.
 */
const Args = z.strictObject({
  seed: z.coerce.number().int().min(0).max(4_294_967_295).default(1),
  ops: z.coerce.number().int().min(1).default(1_000),
  workers: z.coerce.number().int().min(1).max(8).default(1),
  kill: z.boolean().default(false),
});
const LogLevel = z.enum(['silent', 'error', 'warn', 'info', 'debug']).default('silent');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seed: { type: 'string' }, ops: { type: 'string' }, workers: { type: 'string' }, kill: { type: 'boolean' } },
    strict: true,
  });
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    process.stderr.write(
      `${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\nUsage: npm run torture -- --seed <n> --ops <n> [--workers <n>] [--kill]\n`,
    );
    process.exit(2);
  }
  const logLevel = LogLevel.safeParse(process.env.TORTURE_LOG_LEVEL || undefined);
  if (!logLevel.success) {
    process.stderr.write(`TORTURE_LOG_LEVEL: one of ${LogLevel.unwrap().options.join(', ')}\n`);
    process.exit(2);
  }
  const result = await runTorture({ ...parsed.data, logLevel: logLevel.data, print: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(`TORTURE ${JSON.stringify(result)}\n`);
  process.exit(result.ok ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`torture failed to run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
