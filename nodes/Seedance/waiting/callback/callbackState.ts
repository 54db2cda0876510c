import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ItemSettings } from '../../execution/itemSettings';
import type { ConnectionSettings } from '../../transport/connectionSettings';

/**
 * What a run in Callback mode keeps while its execution waits. n8n stores the waiting node's
 * input items with the execution (in its database: restart-safe, shared by every n8n process),
 * so the node replaces its input with one item per input item that carries, beside the JSON the
 * item would give on timeout, this state under a key of its own. The webhook reads it to know
 * the run's tasks; the resumed run reads it to finish them as Poll mode would.
 */
export const CALLBACK_STATE_KEY = 'seedanceCallbackWait';

const STATE_VERSION = 1;

export interface CallbackWaitState {
	v: typeof STATE_VERSION;
	/** The node that waits (its ID): another Seedance node downstream must not take this state for its own. */
	nodeId: string;
	/** `waiting` while the execution waits; `collect` once the webhook resumes it to finish the tasks. */
	phase: 'waiting' | 'collect';
	itemIndex: number;
	/** The item's task; absent when the item had already ended (it failed under Continue On Fail). */
	taskId?: string;
	/** The task's status when the wait began. */
	status?: string;
	/** The item's output when it had already ended: given out as it is on resume. */
	output?: INodeExecutionData[];
	/** The item's settings as read when its task was created (JSON: Infinity is stored as null). */
	settings?: IDataObject;
	/** The run's Settings tab (proxy, timeout) for the webhook's and the resumed run's requests. */
	connection: ConnectionSettings;
	/** When the wait ends (ms since epoch): the resumed run waits no longer than this. */
	deadline: number;
}

export function storeSettings(settings: ItemSettings): IDataObject {
	return Object.fromEntries(
		Object.entries(settings).map(([name, value]) => [name, value === Infinity ? null : value]),
	) as IDataObject;
}

export function restoreSettings(stored: IDataObject): ItemSettings {
	const settings = { ...stored } as unknown as ItemSettings;
	for (const name of ['requestsPerMinute', 'maxRunningTasks'] as const) {
		if (stored[name] === null || stored[name] === undefined) settings[name] = Infinity;
	}
	return settings;
}

export function withState(item: INodeExecutionData, state: CallbackWaitState): INodeExecutionData {
	return { ...item, [CALLBACK_STATE_KEY]: state as unknown as IDataObject };
}

function stateOf(item: INodeExecutionData | undefined): CallbackWaitState | undefined {
	const state = item?.[CALLBACK_STATE_KEY] as unknown as CallbackWaitState | undefined;
	return state && typeof state === 'object' && state.v === STATE_VERSION ? state : undefined;
}

/**
 * The states of a run of node `nodeId` in the given phase, one per item in item order, or
 * undefined when the items are not such a run (each item must carry one).
 */
export function statesOf(
	items: INodeExecutionData[] | undefined,
	nodeId: string,
	phase: CallbackWaitState['phase'],
): CallbackWaitState[] | undefined {
	if (!Array.isArray(items) || items.length === 0) return undefined;
	const states = items.map(stateOf);
	if (states.some((state) => !state || state.nodeId !== nodeId || state.phase !== phase)) return undefined;
	return states as CallbackWaitState[];
}

/** The run's task IDs, in item order, each once. */
export function taskIdsOf(states: CallbackWaitState[]): string[] {
	return [...new Set(states.flatMap((state) => (state.taskId ? [state.taskId] : [])))];
}
