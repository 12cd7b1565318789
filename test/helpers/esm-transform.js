// jest transform for ESM-only packages in node_modules (@platformatic/kafka): esbuild turns
// them into CommonJS, as it does when it bundles the Lambda handlers.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      format: 'cjs',
      loader: 'js',
      sourcefile: filename,
      sourcemap: 'inline',
      define: { 'import.meta.url': '__import_meta_url' },
      banner: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;",
    });
    return { code, map };
  },
};
