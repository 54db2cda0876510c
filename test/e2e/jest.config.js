/**
 * End-to-end tests against a real n8n (scripts/n8n/install.sh) with the built
 * package installed as a community node. Slow: run them serially.
 *   npm run build && npx jest --config test/e2e/jest.config.js
 *
 * Which n8n: N8N_E2E_VERSION (default: the harness's DEFAULT_N8N_VERSION, a 2.x).
 * On n8n 1.x (N8N_E2E_VERSION=1.123.81, `npm run test:e2e:n8n1`) only the suites
 * proven there run: the CLI and the examples. The editor suite drives the 2.x
 * editor's UI, and the run-control and queue-mode suites are 2.x-only here; on 1.x
 * they are not collected at all (global setup names them), never counted as passed.
 */
const { N8N_MAJOR } = require('../../scripts/n8n/harness');
const { N8N_1_SUITES } = require('./support/global-setup');

module.exports = {
	rootDir: __dirname,
	testEnvironment: 'node',
	testMatch: N8N_MAJOR < 2 ? N8N_1_SUITES.map((file) => `<rootDir>/${file}`) : ['<rootDir>/**/*.test.js'],
	transform: {},
	maxWorkers: 1,
	testTimeout: 10 * 60 * 1000,
	globalSetup: '<rootDir>/support/global-setup.js',
	verbose: true,
};
