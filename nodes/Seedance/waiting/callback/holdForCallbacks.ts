import { type IExecuteFunctions, type INode, type INodeExecutionData, NodeOperationError } from 'n8n-workflow';

import { stillRunningError } from '../../errors/nodeErrors';
import type { ItemSettings } from '../../execution/itemSettings';
import type { RunContext } from '../../execution/runContext';
import { type ErrorRoute, errorItem } from '../../output/errorItem';
import { shapeTask } from '../../output/taskOutput';
import type { ConnectionSettings } from '../../transport/connectionSettings';
import { isFinal } from '../taskStatus';
import { rememberFinal, runKey } from './callbackClaims';
import { type CallbackWaitState, storeSettings, taskIdsOf, withState } from './callbackState';

export interface HoldContext {
	node: INode;
	run: RunContext;
	connection: ConnectionSettings;
	/** Each item's output so far: only items that ended (failed under Continue On Fail) have one. */
	outputs: INodeExecutionData[][];
	settingsOf: (itemIndex: number) => ItemSettings | undefined;
	continueOnFail: boolean;
	route: ErrorRoute;
}

/**
 * Puts the execution to wait for the provider's callbacks (Callback mode, once every item has
 * its task and some task is not final).
 *
 * n8n keeps a waiting node's input with the execution and, when the wait ends without a
 * callback resuming it (Max Wait), passes that input on as the node's output, running none of
 * its code. So the input is replaced, item for item, by what the item gives on timeout (its
 * task as last seen, or the timeout error under Continue On Fail), carrying the wait state the
 * webhook and the resumed run need (callbackState.ts). With On Timeout "fail" and no
 * Continue On Fail to the regular output, n8n is also given the error to fail the run with
 * when the wait times out (task metadata `resumeError`; n8n 1.x ignores it and passes the
 * items on).
 */
export async function holdForCallbacks(ctx: IExecuteFunctions, hold: HoldContext): Promise<INodeExecutionData[][]> {
	const { node, run } = hold;
	const waiting = run.callbacks!.waitingTasks();
	const input = ctx.getInputData();
	const maxWaitMs = Math.max(...[...waiting.keys()].map((itemIndex) => hold.settingsOf(itemIndex)?.maxWaitMs ?? 0));
	const deadline = Date.now() + maxWaitMs;
	const common = { v: 1, nodeId: node.id, phase: 'waiting', connection: hold.connection, deadline } as const;
	let failOnTimeout = false;

	// What the node shows while the execution waits: each task as last seen (or the item's error).
	const waitingOutput: INodeExecutionData[] = [];
	const states: CallbackWaitState[] = [];
	const replaced = input.map((original, itemIndex): INodeExecutionData => {
		const pairedItem = original.pairedItem;
		const entry = waiting.get(itemIndex);
		const settings = hold.settingsOf(itemIndex);
		if (!entry || !settings) {
			const output = (hold.outputs[itemIndex] ?? []).map((ended) => ({ ...ended, pairedItem: undefined }));
			waitingOutput.push({ json: output[0]?.json ?? {}, pairedItem: { item: itemIndex } });
			const ended: CallbackWaitState = { ...common, itemIndex, output };
			states.push(ended);
			return withState({ json: output[0]?.json ?? {}, pairedItem }, ended);
		}
		const status = String(entry.task.status ?? 'unknown');
		const state: CallbackWaitState = { ...common, itemIndex, taskId: entry.taskId, status, settings: storeSettings(settings) };
		states.push(state);
		const lastSeen = shapeTask({ ...entry.task, id: entry.task.id ?? entry.taskId, status }, settings.simplify);
		waitingOutput.push({ json: lastSeen, pairedItem: { item: itemIndex } });
		if (settings.onTimeout === 'output') return withState({ json: lastSeen, pairedItem }, state);
		if (!(hold.continueOnFail && hold.route === 'mainOutput')) failOnTimeout = true;
		const error = stillRunningError(node, itemIndex, { id: entry.taskId, status }, settings.maxWaitMs);
		return withState({ json: errorItem(error, itemIndex, 'mainOutput', run.taskOf(itemIndex)).json, pairedItem }, state);
	});

	if (failOnTimeout) ctx.setMetadata?.({ resumeError: timedOutError(node, waiting, maxWaitMs) });
	input.splice(0, input.length, ...replaced);
	// The run's key as the webhook derives it from the stored states.
	const taskIds = taskIdsOf(states);
	const finalIds = [...waiting.values()].filter((entry) => isFinal(entry.task.status)).map((entry) => entry.taskId);
	// What this process knows of the run, unless a read failed (then the first final callback reads all).
	if (run.callbacks!.allRead) rememberFinal(runKey(node.id, taskIds), finalIds);
	await ctx.putExecutionToWait(new Date(deadline));
	return [waitingOutput];
}

/** The run's error when Max Wait passes before the callbacks say every task has ended. */
function timedOutError(
	node: INode,
	waiting: Map<number, { taskId: string }>,
	maxWaitMs: number,
): NodeOperationError {
	const list = [...waiting]
		.sort(([a], [b]) => a - b)
		.map(([itemIndex, entry]) => `${entry.taskId} (item ${itemIndex})`)
		.join(', ');
	return new NodeOperationError(
		node,
		`The tasks had not all ended when the maximum wait of ${maxWaitMs / 1000} s passed (Wait Mode: Callback)`,
		{
			description:
				`Tasks of this run: ${list}. They keep running at the provider (and are billed): pick them up with "Wait for Task" or "Get Task" ` +
				'and these IDs, or raise "Max Wait". No status was read when the wait ended.',
		},
	);
}
