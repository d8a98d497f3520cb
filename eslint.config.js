// ESLint for the UI: the React hooks rules (hooks called unconditionally, effect dependencies
// complete) and ESLint's own checks of plain mistakes. TypeScript itself is checked by tsc;
// the TSX is parsed with Babel here because the TypeScript release in use (7, the native
// compiler) has no JavaScript API for typescript-eslint.
import babelParser from '@babel/eslint-parser';
import reactHooks from 'eslint-plugin-react-hooks';

export default [
  { ignores: ['ui/dist/**', 'ui/src/bindings/**'] },
  {
    files: ['ui/src/**/*.{ts,tsx}'],
    languageOptions: {
      parser: babelParser,
      parserOptions: {
        requireConfigFile: false,
        babelOptions: {
          babelrc: false,
          configFile: false,
          presets: [['@babel/preset-typescript', { isTSX: true, allExtensions: true }], '@babel/preset-react'],
        },
      },
    },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-duplicate-case': 'error',
      'no-unreachable': 'error',
      'no-self-assign': 'error',
      'no-self-compare': 'error',
      'no-unsafe-finally': 'error',
      'no-constant-binary-expression': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
];
