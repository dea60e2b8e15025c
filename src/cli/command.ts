/**
 * What every command in src/cli shares: its arguments, `--help`, and how it gives up.
 * Exit codes follow one rule across the commands: 2 means bad input.
 */

/** Prints `message` to stderr and exits with `code` (2: bad input). */
export function die(code: number, message: string): never {
  console.error(message);
  process.exit(code);
}

/** The command's arguments; with `--help` or `-h`, prints `usage` and exits 0 instead. */
export function argsOrHelp(usage: string): string[] {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
  return args;
}
