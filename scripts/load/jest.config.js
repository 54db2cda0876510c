/**
 * The load test: one execution of the real node (inside n8n-core's WorkflowExecute) with 200
 * items against a rate-limited simulator. It takes a minute or more, so it is not part of
 * `npm test`; run it with:
 *
 *   npx jest -c scripts/load/jest.config.js
 *
 * Environment (all optional): SEEDANCE_LOAD_ITEMS (200), SEEDANCE_LOAD_FLAVOURS
 * ("aggregator,ark"), SEEDANCE_LOAD_POLL (poll interval in seconds, 1), SEEDANCE_LOAD_TASK_MS
 * (2000),
 * SEEDANCE_LOAD_LATENCY_MS (API answer delay, 50; makes "max in flight" measurable),
 * SEEDANCE_LOAD_RPM and SEEDANCE_LOAD_MAX_RUNNING (the node's Requests per Minute and Max
 * Running Tasks options; 0 = the defaults: learn the budget, no running limit).
 */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/scripts/load'],
	testMatch: ['<rootDir>/scripts/load/*.load.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }] },
	setupFiles: ['<rootDir>/test/helpers/setupEnv.js'],
	testTimeout: 10 * 60 * 1000,
};
