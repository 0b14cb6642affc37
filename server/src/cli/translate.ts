/**
 * `framewise translate FILE --to torch|jax|tensorflow [--line N | --class NAME]`: prints the file with every
 * catalog idiom of another framework (or the ones on line N) rewritten and the imports added;
 * constructs that cannot be translated are left as they are under a `# framewise:` comment that says
 * why. With `--class NAME`, the module class NAME is translated whole (torch.nn.Module ↔ Flax
 * @nn.compact module / Keras Layer). A summary goes to stderr. Exit 0; 1 when the class cannot be
 * translated (the reason on stderr); 2 on a usage error.
 */
import * as fs from 'node:fs';
import { translateSource } from '../translate/document';
import { translateModule } from '../translate/module';
import { initParser, createParser, safeParse } from '../parse/parser';
import { preorder } from '../parse/syntax';
import type { FrameworkKey } from '../catalog/types';
import { UsageError, type CliIO, type ParsedArgs } from './main';

const TARGETS: Record<string, FrameworkKey> = {
  torch: 'torch', pytorch: 'torch', jax: 'jax', flax: 'jax', tensorflow: 'tensorflow', tf: 'tensorflow', keras: 'tensorflow',
};

export function parseTarget(value: string | undefined): FrameworkKey {
  if (!value) throw new UsageError('translate needs --to torch|jax|tensorflow');
  const key = value.toLowerCase();
  const fw = Object.hasOwn(TARGETS, key) ? TARGETS[key] : undefined;
  if (!fw) throw new UsageError(`unknown target framework: ${value} (torch, jax or tensorflow)`);
  return fw;
}

export async function runTranslate(args: ParsedArgs, io: CliIO): Promise<number> {
  const file = args.positional[0];
  if (!file) throw new UsageError('translate needs a FILE');
  if (args.positional.length > 1) throw new UsageError('translate takes one FILE');
  const to = parseTarget(args.flags.get('to'));
  let line: number | undefined;
  const lineFlag = args.flags.get('line');
  if (lineFlag !== undefined) {
    line = Number(lineFlag);
    if (!Number.isInteger(line) || line < 1) throw new UsageError(`--line needs a positive line number, not ${lineFlag}`);
  }
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const className = args.flags.get('class');
  if (className !== undefined) {
    if (line !== undefined) throw new UsageError('--class and --line cannot be used together');
    return translateClass(source, file, className, to, io);
  }
  if (line !== undefined && line > source.split('\n').length) throw new UsageError(`${file} has no line ${line}`);
  const result = await translateSource(source, to, { line });
  io.out(result.text);
  io.err(`framewise: ${result.translated} construct(s) translated to ${to}, ${result.untranslated} left with a note${result.errorsAfter > result.errorsBefore ? ' (WARNING: the result has new syntax errors)' : ''}\n`);
  return 0;
}

/** `--class NAME`: the whole module class, restructured for the target framework. */
async function translateClass(source: string, file: string, name: string, to: FrameworkKey, io: CliIO): Promise<number> {
  await initParser();
  const parser = createParser();
  const tree = safeParse(parser, source);
  const starts: number[] = [];
  if (tree) {
    preorder(tree.rootNode, (n) => {
      if (n.type === 'class_definition' && n.childForFieldName('name')?.text === name) starts.push(n.startIndex);
      return true;
    });
    tree.delete();
  }
  parser.delete();
  if (!starts.length) throw new UsageError(`${file} has no class ${name}`);
  if (starts.length > 1) throw new UsageError(`${file} defines class ${name} ${starts.length} times`);
  const r = translateModule(source, starts[0], to);
  if (!r.ok) {
    io.err(`framewise: class ${name} not translated: ${r.reason}\n`);
    return 1;
  }
  io.out(r.text);
  io.err(`framewise: class ${name} translated to ${to}${r.notes.length ? ` with ${r.notes.length} note(s)` : ''}\n`);
  return 0;
}
