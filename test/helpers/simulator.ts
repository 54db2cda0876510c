/** Starts the API simulator for one test and gives the node's credential for it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSimulator } = require('../../simulator') as { startSimulator: (options?: object) => Promise<Simulator> };

export const API_KEY = 'sk-test-7f3a9c1e5b2d4a60';

export interface SimRequest {
	time: number;
	method: string;
	path: string;
	query: Record<string, string | string[]>;
	headers: Record<string, string>;
	body: any;
	status: number;
	fault?: unknown;
}

export interface Simulator {
	baseUrl: string;
	mediaBaseUrl: string;
	requests: SimRequest[];
	mediaRequests: SimRequest[];
	callbacks: unknown[];
	stats: {
		creates: number;
		tasksCreated: number;
		maxInFlight: number;
		inFlight: number;
		statusReads: number;
		listReads: number;
		rateLimited: number;
	};
	tasks: Map<string, any>;
	getTask(id: string): any;
	taskObject(id: string): any;
	injectFault(spec: object): { hits: number; remaining: number; cancel(): void };
	clearFaults(): void;
	reset(): void;
	pause(): Promise<void> | void;
	resume(): Promise<void>;
	close(): Promise<void>;
}

export async function withSimulator<T>(options: object, work: (sim: Simulator) => Promise<T>): Promise<T> {
	const sim = await startSimulator({ apiKey: API_KEY, queuedMs: 30, taskMs: 150, ...options });
	try {
		return await work(sim);
	} finally {
		await sim.close();
	}
}

export function credentialsFor(sim: Simulator) {
	return { apiKey: API_KEY, baseUrl: sim.baseUrl };
}

/** The create requests the simulator received. */
export function createRequests(sim: Simulator): SimRequest[] {
	return sim.requests.filter((request) => request.method === 'POST');
}
