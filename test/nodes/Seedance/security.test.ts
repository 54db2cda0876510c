import { n8nLogger, runSeedance } from '../../helpers/n8nRunner';
import { API_KEY, credentialsFor, withSimulator } from '../../helpers/simulator';

/** Everything a user or a log could see of a run: items, errors with their causes, log output. */
function everythingVisible(result: Awaited<ReturnType<typeof runSeedance>>, logs: string[]): string {
	const error = result.error as (Error & Record<string, unknown>) | undefined;
	const errorParts = error
		? [error.message, error.description, error.stack, JSON.stringify(error), JSON.stringify(error.cause), JSON.stringify(error.context)]
		: [];
	return [JSON.stringify(result.items), JSON.stringify(result.run.data), ...errorParts, ...logs].join('\n');
}

/** A log argument as text, errors with their message, stack and own fields. */
function serialize(arg: unknown): string {
	if (typeof arg === 'string') return arg;
	return JSON.stringify(arg, (_key, value: unknown) =>
		value instanceof Error ? { ...value, name: value.name, message: value.message, stack: value.stack } : value,
	);
}

describe('the API key stays secret', () => {
	const scenarios: Array<[string, object, object]> = [
		['a success with download', {}, {}],
		['a 401', { fault: { kind: 'status', status: 401 } }, {}],
		['a 400 with an error body', { fault: { kind: 'status', status: 400 } }, {}],
		['a connection reset', { fault: { kind: 'reset' } }, {}],
		['an HTML error page', { fault: { kind: 'html' } }, {}],
		['a failed task', { outcome: { status: 'failed' } }, {}],
		['an expired download link', { sim: { linkTtlMs: 1 } }, {}],
	];

	it.each(scenarios)('appears in no output, error or log line after %s', async (_, setup: { fault?: object; outcome?: object; sim?: object }) => {
		// Every call of n8n's logger, with its metadata (the error objects it logs included).
		const logs: string[] = [];
		const logger = n8nLogger();
		const spies = (['error', 'warn', 'info', 'debug'] as const).map((level) =>
			jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void logs.push(args.map(serialize).join(' '))),
		);
		try {
			await withSimulator({ ...(setup.sim ?? {}), outcome: setup.outcome ? () => setup.outcome : undefined }, async (sim) => {
				if (setup.fault) sim.injectFault({ ...setup.fault, match: { method: 'POST' } });
				for (const continueOnFail of [false, true]) {
					const result = await runSeedance({
						parameters: { operation: 'generate', prompt: 'p', options: { pollInterval: 1 } },
						credentials: credentialsFor(sim),
						continueOnFail,
					});
					expect(everythingVisible(result, logs)).not.toContain(API_KEY);
				}
				// The check above is only worth something if n8n did log through the spied logger.
				expect(logs.length).toBeGreaterThan(0);
				for (const request of sim.mediaRequests) expect(JSON.stringify(request)).not.toContain(API_KEY);
			});
		} finally {
			spies.forEach((spy) => spy.mockRestore());
		}
	});
});
