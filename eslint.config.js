// ESLint, configured once: typescript-eslint's type-aware recommended rules over every TypeScript file the
// project type-checks (tsconfig.json), with the few rules this codebase departs from named and explained below.
// Formatting is Prettier's (.prettierrc.json), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'test/artifacts/',
      'bench/results/',
      'examples/browser/dist/',
      'assembly/',
      'src/fast/kernels-wasm.ts',
      'src/onnx/onnx-proto.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    rules: {
      // TypeScript already rejects unknown names in .ts; the few .js/.mjs files run in Node or a page, whose globals
      // ESLint would need listed by hand.
      'no-undef': 'off',
      // Methods that implement a Promise-returning interface are `async` on purpose even without an await: a throw
      // then becomes a rejection, which every caller handles, instead of a synchronous exception.
      '@typescript-eslint/require-await': 'off',
      // `_` marks a parameter or binding kept for its position.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Shapes and index lists in messages read best as `[13,64]`.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowArray: true }],
    },
  },
  {
    // Tests read parsed JSON (model files, sweep.json, CLI output) and check it with assertions, which are the type
    // check there; declaring a type for every document a test pokes at would only restate the assertions.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  // Plain JavaScript (bin/, tools/build.mjs, examples/) is linted without type information.
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
