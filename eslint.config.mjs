import { config } from '@n8n/node-cli/eslint';

export default [
	...config,
	{
		// Tests, benchmarks and dev scripts run in Node, not inside n8n: the community-node rules
		// that keep node code sandbox-safe (no process, timers, fs or arbitrary imports) do not apply.
		files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-unsafe-function-type': 'off',
			'import-x/no-unresolved': 'off',
			'no-console': 'off',
		},
	},
	{ ignores: ['dist/**', 'node_modules/**', '.cache/**', '**/*.js', '**/*.mjs', '.e2e/**'] },
];
