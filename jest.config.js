/** Unit and in-process n8n tests. The end-to-end tests (real n8n) have their own config in test/e2e. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }] },
	setupFiles: ['<rootDir>/test/helpers/setupEnv.js'],
	testTimeout: 30000,
};
