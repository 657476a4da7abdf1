import path from 'node:path';
import { parseArgs } from 'node:util';

export interface CliOptions {
  json?: string;
  svg?: string;
  quick: boolean;
  only?: string;
  python?: string;
  help: boolean;
}

export const USAGE = `Usage: pnpm bench [-- options]   (or, from apps/bench: node dist/main.js [options])

  --quick           fewer, shorter trials: under a minute
  --only PATTERN    run the figures whose name matches PATTERN (a regex, or else a substring)
  --json FILE       write { figures: { NAME: { value, unit, higherIsBetter, python, ratio, peers } } }
  --svg FILE        write a bar chart of the ratios to Python
  --python PATH     the Python interpreter to compare with (default: python3 on PATH)
  -h, --help        this text
`;

export function parseCli(argv: string[]): CliOptions {
  const { values } = parseArgs({
    // `pnpm bench -- --quick` hands the script a literal `--` first.
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: {
      json: { type: 'string' },
      svg: { type: 'string' },
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      python: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  return { json: outPath(values.json), svg: outPath(values.svg), quick: values.quick ?? false, only: values.only, python: values.python, help: values.help ?? false };
}

/** `--only`: a regular expression when it compiles, else a plain substring. */
export function nameMatcher(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined || pattern === '') return () => true;
  try {
    const re = new RegExp(pattern);
    return (name) => re.test(name);
  } catch {
    return (name) => name.includes(pattern);
  }
}

/**
 * Output paths are relative to where the user typed the command: `pnpm bench` runs the script
 * in apps/bench, and pnpm passes the original folder as INIT_CWD.
 */
function outPath(file: string | undefined): string | undefined {
  return file === undefined ? undefined : path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}
