// esbuild options shared by the bundles that run on Node (the build and the benchmark's core bundle).
export function nodeBundleOptions(version) {
  return {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
    // web-tree-sitter is ESM and reads import.meta.url; give the CJS bundle a real one.
    define: { __FRAMEWISE_VERSION__: JSON.stringify(version), 'import.meta.url': '__import_meta_url' },
    banner: { js: "const __import_meta_url = require('url').pathToFileURL(__filename).href;" },
  };
}
