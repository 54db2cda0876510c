/**
 * Runs the real Seedance node inside n8n's own execution engine (n8n-core's WorkflowExecute
 * with n8n-workflow's Workflow), the way an n8n instance does, minus the database and UI:
 * a source node emits the input items, the Seedance node processes them, and the run's
 * output, errors and paired items come back.
 *
 * The node type is loaded the way n8n's CLI loads a package (see loadAsN8nDoes): the
 * Settings tab's Request Options are added to the description, and a declarative node gets
 * an execute() that runs RoutingNode on the run's context. WorkflowExecute then runs the
 * node's custom operation when one matches the resource and operation (all of ours do),
 * with the run's context and its cancel signal; never n8n-core's test-only fallback
 * `executeDeclarativeNodeInTest`.
 *
 * What n8n's CLI normally provides is supplied here: a NodeTypes map, a credentials helper
 * that decrypts nothing (the test gives plain data) and applies the credential's own
 * authenticate (Bearer), and BinaryDataService in memory mode.
 */
import {
	BinaryDataConfig,
	BinaryDataService,
	DirectoryLoader,
	ExecutionLifecycleHooks,
	RoutingNode,
	WorkflowExecute,
} from 'n8n-core';
import {
	type ICredentialDataDecryptedObject,
	ICredentialsHelper,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IVersionedNodeType,
	type IWorkflowExecuteAdditionalData,
	NodeHelpers,
	Workflow,
} from 'n8n-workflow';

import { SeedanceApi } from '../../credentials/SeedanceApi.credentials';
import { Seedance } from '../../nodes/Seedance/Seedance.node';

export const SEEDANCE_NODE_TYPE = 'n8n-nodes-seedance.seedance';

/** Emits the items a test gives it, like a trigger or a spreadsheet node would. */
class SourceNode implements INodeType {
	static items: INodeExecutionData[] = [];
	description = {
		displayName: 'Source',
		name: 'source',
		group: ['input'],
		version: 1,
		description: 'Test source',
		defaults: { name: 'Source' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [SourceNode.items];
	}
}

/** n8n-core registers its services in its own copy of @n8n/di, so resolve that one. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Container } = require(require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] })) as typeof import('@n8n/di');

/** n8n's own logger instance: every log line n8n writes passes through its methods. */
export function n8nLogger(): Record<'error' | 'warn' | 'info' | 'debug', (...args: unknown[]) => void> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Logger } = require(require.resolve('@n8n/backend-common', { paths: [require.resolve('n8n-core')] }));
	return Container.get(Logger);
}

/**
 * What n8n's CLI does to a node type it loads: DirectoryLoader adds the declarative Request
 * Options (Settings tab), and NodeTypes (`shouldAssignExecuteMethod`) gives a declarative
 * node (one with `requestDefaults`) an execute() that runs RoutingNode on the run's context.
 */
export function loadAsN8nDoes(nodeType: INodeType): INodeType {
	DirectoryLoader.applyDeclarativeNodeOptionParameters(nodeType);
	const declarative = nodeType.description.requestDefaults !== undefined;
	const assignExecute =
		!nodeType.execute &&
		!nodeType.poll &&
		!nodeType.trigger &&
		(!nodeType.webhook || declarative) &&
		(!nodeType.methods || declarative);
	if (assignExecute) {
		nodeType.execute = async function (this: IExecuteFunctions) {
			return await new RoutingNode(this, nodeType).runNode();
		};
	}
	return nodeType;
}

/** The Seedance node type as n8n loads it (shared by the runners). */
export const seedanceType = loadAsN8nDoes(new Seedance());
const credentialType = new SeedanceApi();

class TestNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType> = {
		[SEEDANCE_NODE_TYPE]: seedanceType,
		// The type n8n gives the node when an AI Agent uses it as a tool (usableAsTool).
		[`${SEEDANCE_NODE_TYPE}Tool`]: seedanceType,
		'test.source': new SourceNode(),
	};
	getByName(name: string): INodeType | IVersionedNodeType {
		return this.types[name];
	}
	getByNameAndVersion(name: string): INodeType {
		return this.types[name];
	}
	getKnownTypes() {
		return {};
	}
}

export class TestCredentialsHelper extends ICredentialsHelper {
	/** Reads made so far, and how many of the first reads fail (as a broken credential store would). */
	reads = 0;
	constructor(
		private readonly data: ICredentialDataDecryptedObject,
		private readonly failingReads = 0,
	) {
		super();
	}
	getParentTypes(): string[] {
		return [];
	}
	isCredentialUsableByNode(): boolean {
		return true;
	}
	/** Applies the credential type's authenticate, as n8n's CredentialsHelper does. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		if (typeName !== credentialType.name) throw new Error(`Unexpected credential ${typeName}`);
		return await credentialType.authenticate(credentials, requestOptions);
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	async getCredentials(): Promise<never> {
		throw new Error('not used');
	}
	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		if (++this.reads <= this.failingReads) throw new Error('the credential store is unavailable');
		return { ...this.data };
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getCredentialsProperties() {
		return credentialType.properties;
	}
}

let binaryDataReady: Promise<void> | undefined;

/** BinaryDataService in memory ("default") mode: prepareBinaryData keeps base64 in the item. */
export async function initBinaryData(): Promise<void> {
	binaryDataReady ??= (async () => {
		const config = Container.get(BinaryDataConfig);
		config.mode = 'default' as BinaryDataConfig['mode'];
		await Container.get(BinaryDataService).init();
	})();
	await binaryDataReady;
}

export interface RunOptions {
	parameters: INodeParameters;
	items?: INodeExecutionData[];
	credentials: { apiKey: string; baseUrl: string };
	continueOnFail?: boolean;
	/** n8n's "On Error" setting; overrides continueOnFail. */
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	/** n8n's Retry On Fail setting. */
	retryOnFail?: { maxTries: number; waitBetweenTries: number };
	/** The first N credential reads fail. */
	failingCredentialReads?: number;
	/** Runs the node under the type n8n gives it as an AI Agent's tool. */
	asTool?: boolean;
	/** Called with the running execution, e.g. to cancel it. */
	onStart?: (execution: { cancel: () => void }) => void;
}

export interface RunResult {
	/** The Seedance node's output items (empty when the node failed). */
	items: INodeExecutionData[];
	/** Its error output (On Error: Continue (using error output)). */
	errorItems: INodeExecutionData[];
	/** The node's error when it failed without Continue On Fail. */
	error?: Error & { description?: string; context?: IDataObject; httpCode?: string | null };
	run: IRun;
	/** The node parameters as n8n resolved them (defaults filled in). */
	resolvedParameters: INodeParameters;
	/** How many times the node read its credential. */
	credentialReads: number;
	/** Every run of the Seedance node (more than one with Retry On Fail). */
	attempts: number;
}

let executionCounter = 0;

/** A workflow Source -> Seedance, with what n8n gives an execution (additionalData), not yet run. */
export interface PreparedRun {
	workflow: Workflow;
	additionalData: IWorkflowExecuteAdditionalData;
	credentialsHelper: TestCredentialsHelper;
	resolvedParameters: INodeParameters;
	/** A fresh Workflow of the same nodes, as n8n builds one from the saved workflow for each webhook call. */
	rebuildWorkflow: () => Workflow;
}

export function prepareSeedanceRun(options: RunOptions): PreparedRun {
	SourceNode.items = options.items ?? [{ json: {} }];
	const nodeTypes = new TestNodeTypes();
	const resolvedParameters =
		NodeHelpers.getNodeParameters(seedanceType.description.properties, options.parameters, true, false, null, null) ??
		{};
	const nodes: INode[] = [
		{ id: 'source', name: 'Source', type: 'test.source', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'seedance',
			name: 'Seedance',
			type: options.asTool ? `${SEEDANCE_NODE_TYPE}Tool` : SEEDANCE_NODE_TYPE,
			typeVersion: 1,
			position: [200, 0],
			parameters: resolvedParameters,
			credentials: { seedanceApi: { id: '1', name: 'Seedance account' } },
			continueOnFail: options.onError ? undefined : (options.continueOnFail ?? false),
			onError: options.onError ?? (options.continueOnFail ? 'continueRegularOutput' : 'stopWorkflow'),
			...(options.retryOnFail
				? { retryOnFail: true, maxTries: options.retryOnFail.maxTries, waitBetweenTries: options.retryOnFail.waitBetweenTries }
				: {}),
		},
	];
	const rebuildWorkflow = () =>
		new Workflow({
			id: 'test-workflow',
			name: 'test',
			nodes: structuredClone(nodes),
			connections: { Source: { main: [[{ node: 'Seedance', type: 'main', index: 0 }]] } },
			active: false,
			nodeTypes,
			settings: { executionOrder: 'v1' },
		});
	const workflow = rebuildWorkflow();
	const executionId = `test-${++executionCounter}`;
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		id: 'test-workflow',
		name: 'test',
		nodes,
		connections: workflow.connectionsBySourceNode,
		active: false,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
	} as never);
	const credentialsHelper = new TestCredentialsHelper(options.credentials, options.failingCredentialReads);
	const additionalData = {
		credentialsHelper,
		hooks,
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		variables: {},
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: async () => {},
		startRunnerTask: async () => {
			throw new Error('not used');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	return { workflow, additionalData, credentialsHelper, resolvedParameters, rebuildWorkflow };
}

/** The Seedance node's part of a finished (or waiting) run. */
export function seedanceResult(run: IRun, prepared: Pick<PreparedRun, 'credentialsHelper' | 'resolvedParameters'>): RunResult {
	const seedanceRuns = run.data.resultData.runData.Seedance ?? [];
	const lastRun = seedanceRuns[seedanceRuns.length - 1];
	const items = lastRun?.data?.main?.[0] ?? [];
	const errorItems = lastRun?.data?.main?.[1] ?? [];
	const error = (lastRun?.error ?? run.data.resultData.error) as RunResult['error'];
	return {
		items,
		errorItems,
		error,
		run,
		resolvedParameters: prepared.resolvedParameters,
		credentialReads: prepared.credentialsHelper.reads,
		attempts: seedanceRuns.length,
	};
}

export async function runSeedance(options: RunOptions): Promise<RunResult> {
	await initBinaryData();
	const prepared = prepareSeedanceRun(options);
	const { workflow, additionalData } = prepared;
	const execution = new WorkflowExecute(additionalData, 'manual').run({
		workflow,
		startNode: workflow.getNode('Source')!,
	});
	options.onStart?.({ cancel: () => execution.cancel() });
	let run: IRun;
	try {
		run = await execution;
	} catch (error) {
		throw new Error(`The execution itself failed: ${(error as Error).message}`);
	}
	return seedanceResult(run, prepared);
}

/** Decodes an item's binary field (memory mode keeps it as base64). */
export function binaryBuffer(item: INodeExecutionData, field = 'data'): Buffer {
	const binary = item.binary?.[field];
	if (!binary) throw new Error(`No binary field "${field}" in item`);
	return Buffer.from(binary.data, 'base64');
}
