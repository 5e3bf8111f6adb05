/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testPathIgnorePatterns: ['/node_modules/', '/test/setup/'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	setupFiles: ['<rootDir>/test/setup/env.ts'],
	setupFilesAfterEnv: ['<rootDir>/test/setup/nock.ts'],
	testTimeout: 30000,
	reporters: ['default', '<rootDir>/test/setup/stamp-reporter.js'],
};
