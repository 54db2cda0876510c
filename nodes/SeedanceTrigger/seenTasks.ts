import type { IDataObject } from 'n8n-workflow';

/** How many (task, status) pairs the trigger remembers; the oldest are forgotten first. */
export const SEEN_LIMIT = 1000;

const KEY = 'seenTasks';

/**
 * Callbacks in progress in this process, so two copies of one callback that arrive together
 * start the workflow once (the workflow's static data is only saved when a call ends).
 */
const inProgress = new Set<string>();

/**
 * "Once per Task": the (task, status) pairs that already started the workflow, kept in the
 * node's static data (n8n saves it with the workflow after each call of a published
 * workflow). A task reaches a final status once, so a repeated final callback is ignored.
 */
export class SeenTasks {
	private readonly scope: string;

	constructor(
		private readonly staticData: IDataObject,
		/** Workflow and node: callbacks in progress are told apart by it. */
		scope: string,
	) {
		this.scope = scope;
	}

	private list(): string[] {
		const value = this.staticData[KEY];
		return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
	}

	/**
	 * Claims the pair for this call: false when it already started the workflow, or another
	 * call is serving it right now. A claim ends with `remember` (it started) or `release`.
	 */
	claim(key: string): boolean {
		const busy = `${this.scope}\n${key}`;
		if (inProgress.has(busy) || this.list().includes(key)) return false;
		inProgress.add(busy);
		return true;
	}

	/** The pair started the workflow: remember it (assigned anew, so n8n sees the change). */
	remember(key: string): void {
		const list = [...this.list().filter((entry) => entry !== key), key];
		this.staticData[KEY] = list.slice(-SEEN_LIMIT);
		this.release(key);
	}

	release(key: string): void {
		inProgress.delete(`${this.scope}\n${key}`);
	}
}
