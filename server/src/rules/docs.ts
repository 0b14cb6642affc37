/** Where a rule's documentation lives: the page bundled with the extension, else the repository. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findResourceDir } from '../resources';

export const REPO_DOCS = 'https://github.com/framewise/framewise/blob/main/docs/rules';

export function docsDir(): string | undefined {
  const docs = findResourceDir('docs', 'rules');
  return docs && path.join(docs, 'rules');
}

export function docPath(code: string): string | undefined {
  const dir = docsDir();
  const p = dir && path.join(dir, `${code}.md`);
  return p && fs.existsSync(p) ? p : undefined;
}

/** The public URL of a rule's page (stable across machines; used in SARIF). */
export function docUrl(code: string): string {
  return `${REPO_DOCS}/${code}.md`;
}

/**
 * A link that works offline in the editor: the bundled page, else the public URL. Every diagnostic
 * carries one, so it is looked up once per rule (the pages do not move while the server runs; a
 * thousand findings used to cost a thousand file-system probes per publish).
 */
export function localDocUrl(code: string): string {
  let url = localUrls.get(code);
  if (url === undefined) {
    const p = docPath(code);
    url = p ? pathToFileURL(p).href : docUrl(code);
    localUrls.set(code, url);
  }
  return url;
}
const localUrls = new Map<string, string>();
