/**
 * Import table: local names → fully-qualified module paths, from `import` / `from … import` statements.
 * `tf` is canonicalised to `tensorflow` only through the import that binds it — never by alias text.
 */
import type { SyntaxNode as Node } from '../parse/mirror';

export interface ImportBinding {
  local: string;
  qualified: string;
  node: Node;
}

export class ImportTable {
  readonly bindings = new Map<string, ImportBinding>();
  /** Modules imported with `from M import *`. */
  readonly starModules: string[] = [];
  /**
   * The top-level package of every module an import statement names, wherever it is (`import a.b as
   * c` and `from a.b import c` name `a`), whether or not its binding is kept. Relative imports aside.
   */
  readonly packages = new Set<string>();
  /** Line after the last top-level import (or docstring / __future__), where new imports go. */
  insertLine = 0;

  add(local: string, qualified: string, node: Node): void {
    this.addPackage(qualified);
    if (!this.bindings.has(local)) this.bindings.set(local, { local, qualified, node });
  }

  /** Note the top-level package of a module imported (`a` of `a.b.c`; nothing for a relative import). */
  addPackage(qualified: string): void {
    if (qualified.startsWith('.')) return;
    const dot = qualified.indexOf('.');
    this.packages.add(dot < 0 ? qualified : qualified.slice(0, dot));
  }

  resolveName(name: string): string | undefined {
    return this.bindings.get(name)?.qualified;
  }

  /** A local expression that refers to `qualified` (a module or a member), if the file already binds one. */
  localNameFor(qualified: string): string | undefined {
    let best: { local: string; rest: string } | undefined;
    for (const b of this.bindings.values()) {
      if (qualified === b.qualified || qualified.startsWith(b.qualified + '.')) {
        const rest = qualified.slice(b.qualified.length);
        if (!best || rest.length < best.rest.length) best = { local: b.local, rest };
      }
    }
    return best ? best.local + best.rest : undefined;
  }

  isBound(local: string): boolean {
    return this.bindings.has(local);
  }
}

function dottedName(node: Node | null): string | undefined {
  if (!node) return undefined;
  if (node.type === 'dotted_name' || node.type === 'identifier') return node.text.replace(/\s+/g, '');
  return undefined;
}

/** Record one import statement into the table. */
export function collectImport(node: Node, table: ImportTable): void {
  if (node.type === 'import_statement') {
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'dotted_name') {
        // `import a.b.c` binds `a` to module `a`.
        const full = dottedName(child)!;
        const head = full.split('.')[0];
        table.add(head, head, node);
      } else if (child.type === 'aliased_import') {
        const mod = dottedName(child.childForFieldName('name'));
        const alias = child.childForFieldName('alias')?.text;
        if (mod && alias) table.add(alias, mod, node);
      }
    }
    return;
  }
  if (node.type === 'import_from_statement') {
    const moduleNode = node.childForFieldName('module_name');
    if (!moduleNode) return;
    // Relative imports keep their leading dots, so they never resolve to a framework module.
    const mod = moduleNode.text.replace(/\s+/g, '');
    const join = (name: string) => (mod.endsWith('.') ? `${mod}${name}` : `${mod}.${name}`);
    for (const child of node.namedChildren) {
      if (!child || child.id === moduleNode.id) continue;
      if (child.type === 'wildcard_import') {
        table.starModules.push(mod);
        table.addPackage(mod);
      } else if (child.type === 'dotted_name') {
        const name = dottedName(child)!;
        table.add(name.split('.')[0], join(name), node);
      } else if (child.type === 'aliased_import') {
        const name = dottedName(child.childForFieldName('name'));
        const alias = child.childForFieldName('alias')?.text;
        if (name && alias) table.add(alias, join(name), node);
      }
    }
  }
}
