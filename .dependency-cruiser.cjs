// The import rule of DESIGN §9, checked by `npm run deps` (part of `npm test`):
//   cli → (run, cases, serve) → (inputs, store, reports) → core; serve → cases; workers → core.
// src/ holds only the folders below; src never imports workers/ (not even their types: the thread
// contract is in src/core); workers import only src/core (so never pg, the CLI or the store);
// no circles anywhere in src/ and workers/. data-gen/, bench/ and test/ may import anything.
// Type-only imports count (tsPreCompilationDeps): a type is a dependency too.

/**
 * Each folder of src/ and the folders of src/ it may import, besides itself. One addition to §9's
 * picture: run → cases, since a run meets the cases in its own transaction (DESIGN §10: resolving a
 * finding closes its case); cases never import run.
 */
const LAYERS = {
  cli: ['run', 'cases', 'serve', 'inputs', 'store', 'reports', 'core'],
  run: ['cases', 'inputs', 'store', 'reports', 'core'],
  cases: ['store', 'reports', 'core'],
  serve: ['cases', 'reports', 'store', 'core'],
  reports: ['store', 'inputs', 'core'],
  inputs: ['core'],
  store: ['core'],
  core: [],
};
const FOLDERS = Object.keys(LAYERS).join('|');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...Object.entries(LAYERS).map(([layer, allowed]) => {
      const may = [layer, ...allowed];
      const mayNot = Object.keys(LAYERS).filter((f) => !may.includes(f));
      return {
        name: `${layer}-imports-only-${allowed.length ? allowed.join('-') : 'core'}`,
        severity: 'error',
        comment: `src/${layer} may import only src/{${may.join(', ')}}, npm packages and node builtins`,
        from: { path: `^src/${layer}/` },
        // The other folders of src, and the rest of the project but workers/ (src-never-imports-workers);
        // the CLI alone loads data-gen/ (for `recon gen`). An import of a loose file of src is
        // src-only-layer-folders'.
        to: {
          path: [
            ...(mayNot.length ? [`^src/(${mayNot.join('|')})/`] : []),
            '^bench/',
            '^test/',
            ...(layer === 'cli' ? [] : ['^data-gen/']),
          ],
        },
      };
    }),
    {
      name: 'src-never-imports-workers',
      severity: 'error',
      comment:
        'src/ never imports workers/, not even their types: what crosses threads is declared in src/core ' +
        "(src/run/pool.ts names the workers' entry by its path)",
      from: { path: '^src/' },
      to: { path: '^workers/' },
    },
    {
      name: 'src-only-layer-folders',
      severity: 'error',
      comment: `src/ holds only the folders ${FOLDERS.replaceAll('|', ', ')}: no loose files, no other folders`,
      from: {},
      to: { path: `^src/(?!(${FOLDERS})/)` },
    },
    {
      name: 'src-only-layer-folders-from',
      severity: 'error',
      comment: `src/ holds only the folders ${FOLDERS.replaceAll('|', ', ')}: no loose files, no other folders`,
      from: { path: `^src/(?!(${FOLDERS})/)` },
      to: { path: `^(src/(${FOLDERS})/|data-gen/|bench/|test/)` },
    },
    {
      name: 'workers-import-only-core',
      severity: 'error',
      comment: 'workers/ may import only src/core and each other (and npm packages, node builtins)',
      from: { path: '^workers/' },
      to: { path: '^(src/(?!core/)|data-gen/|bench/|test/)' },
    },
    {
      name: 'no-db-cli-or-pool-in-threads',
      severity: 'error',
      comment:
        'workers/ and src/core never import pg, PGlite, yargs or the pool (piscina); workers/index.ts is the pool entry',
      from: { path: '^(workers|src/core)/', pathNot: '^workers/index[.]ts$' },
      to: { path: 'node_modules/(pg|pg-copy-streams|@electric-sql/pglite|yargs|piscina)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'a module may not reach itself through its imports',
      from: { path: '^(src|workers)/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'an import that resolves to no file (a path left behind by a move)',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
