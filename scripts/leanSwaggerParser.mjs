// @apidevtools/swagger-parser requires its validators (and with them the JSON schemas of every OpenAPI version) at
// load. The contract stack only bundles documents, never validates them, so the bundles leave the validators out: a
// call to `validate()` would throw instead.

/** @type {import('esbuild').Plugin} */
export const leanSwaggerParser = {
  name: 'lean-swagger-parser',
  setup(build) {
    build.onResolve({ filter: /^\.\/validators\/(schema|spec)$/ }, (args) =>
      /[\\/]@apidevtools[\\/]swagger-parser[\\/]lib$/.test(args.resolveDir) ? { path: args.path, namespace: 'lean-swagger-parser' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lean-swagger-parser' }, () => ({
      contents: "module.exports = function () { throw new Error('OpenAPI validation is not part of this bundle'); };\n",
      loader: 'js',
    }));
  },
};
