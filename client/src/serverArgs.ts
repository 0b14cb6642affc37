/**
 * Node options the language server is started with (pure: no 'vscode' import, so that the benchmark
 * starts the server exactly as the extension does).
 *
 * `--max-semi-space-size=64`: an analysis allocates about 15 MB for a 5,000-line file, most of it
 * alive until the analysis ends. With V8's default young generation (16 MB semi-spaces) a scavenge
 * falls in the middle of nearly every analysis and copies what is alive, about 10 ms each in the
 * server; with 64 MB semi-spaces most analyses finish between scavenges. Measured inside the server
 * on the benchmark's 5k-line file (`npm run bench`, five alternating runs): keystroke p50 72 → 49 ms
 * back to back, 65 → 48 ms at a typist's pace, scavenge time per analysis about 15 → 3.5 ms; 200
 * open documents take 15–40 MB more.
 *
 * `--expose-gc`: gives the server V8's `gc`, with which it scavenges the young generation between
 * keystrokes when the next few analyses would not fit (server/src/lsp/idleGc.ts) rather than in the
 * middle of one. Nothing else calls it.
 */
export const SERVER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=64', '--expose-gc'];
