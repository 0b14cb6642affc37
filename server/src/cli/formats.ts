/** Output formats of `framewise check`: text, JSON and SARIF 2.1.0. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Rule } from '../rules/types';
import type { SkipReason } from '../parse/document';
import { docUrl } from '../rules/docs';

export interface FileResult { file: string; findings: Finding[]; skipped?: SkipReason; error?: string }

export function formatText(results: FileResult[]): string {
  const lines: string[] = [];
  let count = 0;
  for (const r of results) {
    if (r.skipped) lines.push(`${r.file}: note: ${r.skipped.message}`);
    if (r.error) lines.push(`${r.file}: error: ${r.error}`);
    for (const f of r.findings) {
      count++;
      lines.push(`${r.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.code} ${f.message}${f.fix ? ' [fixable]' : ''}`);
    }
  }
  const files = results.length;
  lines.push(count === 0 ? `No problems found in ${files} file${files === 1 ? '' : 's'}.` : `Found ${count} problem${count === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}.`);
  return lines.join('\n') + '\n';
}

export function formatJson(results: FileResult[]): string {
  const out = results.flatMap((r) => r.findings.map((f) => ({
    file: r.file,
    code: f.code,
    severity: f.severity,
    message: f.message,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    fix: f.fix ? { title: f.fix.title, edits: f.fix.edits } : null,
  })));
  const skipped = results.filter((r) => r.skipped || r.error).map((r) => ({ file: r.file, reason: r.skipped?.message ?? r.error }));
  return JSON.stringify({ findings: out, skipped }, null, 2) + '\n';
}

const LEVEL: Record<string, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function formatSarif(results: FileResult[], rules: Rule[], version: string, cwd = process.cwd()): string {
  const ruleIndex = new Map(rules.map((r, i) => [r.meta.code, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'framewise',
          version,
          informationUri: 'https://github.com/framewise/framewise',
          rules: rules.map((r) => ({
            id: r.meta.code,
            name: r.meta.name,
            shortDescription: { text: r.meta.summary },
            helpUri: docUrl(r.meta.code),
            defaultConfiguration: { level: LEVEL[r.meta.defaultSeverity], enabled: r.meta.enabledByDefault !== false },
            properties: { framework: r.meta.framework, category: r.meta.category },
          })),
        },
      },
      originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(cwd + path.sep).href } },
      results: results.flatMap((r) => r.findings.map((f) => ({
        ruleId: f.code,
        ...(ruleIndex.has(f.code) ? { ruleIndex: ruleIndex.get(f.code) } : {}),
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: toSarifUri(r.file, cwd), uriBaseId: 'SRCROOT' },
            region: {
              startLine: f.range.start.line + 1,
              startColumn: f.range.start.character + 1,
              endLine: f.range.end.line + 1,
              endColumn: f.range.end.character + 1,
            },
          },
        }],
      }))),
      invocations: [{
        executionSuccessful: true,
        toolExecutionNotifications: results.filter((r) => r.skipped || r.error).map((r) => ({
          level: r.error ? 'error' : 'note',
          message: { text: r.skipped?.message ?? r.error ?? '' },
          locations: [{ physicalLocation: { artifactLocation: { uri: toSarifUri(r.file, cwd), uriBaseId: 'SRCROOT' } } }],
        })),
      }],
    }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

function toSarifUri(file: string, cwd: string): string {
  const rel = path.relative(cwd, path.resolve(file)).split(path.sep).join('/');
  return rel.split('/').map(encodeURIComponent).join('/');
}
