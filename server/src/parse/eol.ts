/**
 * Line endings of generated text. Fixes and translations are written with '\n'; in a file whose
 * lines mostly end in CRLF, their line breaks become CRLF, so that applying them never leaves mixed
 * line endings (VS Code normalises inserted text, other LSP clients and the CLI do not).
 */

/** The line break most lines of `text` end with (looked at in its first 64 KiB). */
export function dominantLineBreak(text: string): '\n' | '\r\n' {
  const sample = text.length > 65536 ? text.slice(0, 65536) : text;
  const crlf = sample.split('\r\n').length - 1;
  const lf = sample.split('\n').length - 1 - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

/** `newText` with its line breaks written as `eol`. */
export function withLineBreak(newText: string, eol: '\n' | '\r\n'): string {
  return eol === '\n' || !newText.includes('\n') ? newText : newText.replace(/\r?\n/g, '\r\n');
}
