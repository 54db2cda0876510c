/**
 * End-to-end tests against a real n8n (scripts/n8n/install.sh) with the built
 * package installed as a community node. Slow: run them serially.
 *   npm run build && npx jest --config test/e2e/jest.config.js
 */
module.exports = {
	rootDir: __dirname,
	testEnvironment: 'node',
	testMatch: ['<rootDir>/**/*.test.js'],
	transform: {},
	maxWorkers: 1,
	testTimeout: 10 * 60 * 1000,
	globalSetup: '<rootDir>/support/global-setup.js',
	verbose: true,
};
