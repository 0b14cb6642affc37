/** Cross-framework translation: the public surface used by the LSP and the CLI. */
export { Translator, buildFacts, identifiersOf, enclosingStatement, type CallMatch, type CallTranslation } from './translator';
export {
  planCalls, idiomCalls, applyOffsetEdits, toLineEdits, translateSource, translateSourceSync, syntaxErrors, COMMENT_PREFIX,
  type FilePlan, type OffsetEdit, type LineEdit, type TranslateResult,
} from './document';
export { NamePlanner } from './names';
