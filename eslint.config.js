// Lint: type-aware rules (no floating promises) and the layer rules of docs/ARCHITECTURE.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

/** Which top-level folders under src/ each layer may import from (besides itself). */
const layers = {
  util: [],
  api: ['util'],
  storage: ['util'],
  client: ['api', 'util'],
  apiserver: ['storage', 'api', 'util', 'pki'],
  pki: ['util'],
  lb: ['util'],
  scheduler: ['client', 'api', 'util'],
  controllers: ['client', 'api', 'util'],
  kubelet: ['client', 'api', 'util'],
  proxy: ['client', 'api', 'util'],
};
const allLayers = ['util', 'api', 'storage', 'client', 'apiserver', 'scheduler', 'controllers', 'kubelet', 'proxy', 'lb', 'cluster', 'cli', 'cmd', 'pki'];

const zones = Object.entries(layers).flatMap(([layer, allowed]) =>
  allLayers
    .filter((other) => other !== layer && !allowed.includes(other))
    .map((other) => ({
      target: `./src/${layer}`,
      from: `./src/${other}`,
      message: `${layer}/ may not import ${other}/ (see docs/ARCHITECTURE.md, layers)`,
    })),
);

export default tseslint.config(
  { ignores: ['node_modules/**', 'bench/results/**', '.k8ts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'import-x/no-restricted-paths': ['error', { zones }],
    },
  },
  {
    // What a node agent loads reaches node:http through process.getBuiltinModule: the namespace
    // of an ESM import reads node:http's WebSocket export, which loads undici and costs every
    // agent some 3 MB of memory (see src/client/rest-client.ts).
    files: ['src/client/**/*.ts', 'src/kubelet/**/*.ts', 'src/proxy/**/*.ts', 'src/util/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/client/testing/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'node:http', allowTypeImports: true, message: "use process.getBuiltinModule('node:http') (see src/client/rest-client.ts)" }] },
      ],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
