/** Core findings → LSP diagnostics and edits. */
import { DiagnosticSeverity, type Diagnostic, type TextEdit } from 'vscode-languageserver/node';
import type { Finding, Severity } from '../rules/types';
import { localDocUrl } from '../rules/docs';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(f: Finding, index: number): Diagnostic {
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.code,
    codeDescription: { href: localDocUrl(f.code) },
    source: 'framewise',
    message: f.message,
    data: { index, fixable: !!f.fix },
  };
}

export function toTextEdits(f: Finding): TextEdit[] {
  return f.fix ? f.fix.edits.map((e) => ({ range: e.range, newText: e.newText })) : [];
}
