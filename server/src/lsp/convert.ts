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

/**
 * A finding as a diagnostic. Nothing rides in `data`: code actions find a diagnostic's fix by its code
 * and range in the analysis of the same version, and every byte here is sent on every publish.
 */
export function toDiagnostic(f: Finding): Diagnostic {
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.code,
    codeDescription: { href: localDocUrl(f.code) },
    source: 'framewise',
    message: f.message,
  };
}

export function toTextEdits(f: Finding): TextEdit[] {
  return f.fix ? f.fix.edits.map((e) => ({ range: e.range, newText: e.newText })) : [];
}
