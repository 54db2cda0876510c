#!/usr/bin/env node
// Adds up jest JSON result files and prints one closing line, "tests: N passed, N failed",
// which CI reads. Exits non-zero when any test failed, any suite failed to run, or no test ran.
const { readFileSync, existsSync } = require('node:fs');

let passed = 0;
let failed = 0;
let brokenSuites = 0;
for (const file of process.argv.slice(2)) {
	if (!existsSync(file)) {
		console.error(`missing test results: ${file}`);
		brokenSuites++;
		continue;
	}
	const results = JSON.parse(readFileSync(file, 'utf8'));
	passed += results.numPassedTests;
	failed += results.numFailedTests;
	brokenSuites += results.numRuntimeErrorTestSuites ?? 0;
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || brokenSuites > 0 || passed === 0 ? 1 : 0);
