import js from '@eslint/js';
import { config } from '@n8n/node-cli/eslint';
import globals from 'globals';

export default [
	...config,
	{
		// Tests, benchmarks and dev scripts run in Node, not inside n8n: the community-node rules
		// that keep node code sandbox-safe (no process, timers, fs or arbitrary imports) do not apply.
		files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-unsafe-function-type': 'off',
			'import-x/no-unresolved': 'off',
			'no-console': 'off',
		},
	},
	{
		// The tooling (n8n-driver/, sandbox/, e2e/, bench/, scripts/) is plain JavaScript run by Node;
		// tsconfig.tooling.json type-checks it, ESLint's recommended rules lint it.
		files: ['**/*.js', '**/*.mjs'],
		...js.configs.recommended,
		languageOptions: { ecmaVersion: 2024, globals: { ...globals.node, WebSocket: 'readonly' } },
		rules: {
			...js.configs.recommended.rules,
			// `const { dropped: _dropped, ...kept } = x` names what it leaves out
			'no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
		},
	},
	{ files: ['**/*.js'], languageOptions: { sourceType: 'commonjs' } },
	{ files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
	{
		ignores: [
			'dist/**',
			'node_modules/**',
			'.cache/**',
			'.e2e/**',
			'**/.out/**',
			'bench/results/**',
			'coverage/**',
		],
	},
];
