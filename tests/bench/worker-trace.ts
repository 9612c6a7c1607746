import type { BrowserContext, Page } from 'playwright-core';

/**
 * A Chromium trace (CDP Tracing) of the extension's service worker while something runs: the
 * longest task its thread ran. Only the few categories needed are recorded, so the trace stays
 * small; tracing still adds some overhead to every task, so a figure from it runs a little high.
 */
const CATEGORIES = ['disabled-by-default-devtools.timeline', 'toplevel', '__metadata'];
/** With `profile`: V8's sampling profiler too, for where the worker's time goes. */
const PROFILER_CATEGORY = 'disabled-by-default-v8.cpu_profiler';
/** The task that wraps everything a thread runs (older builds named it after its controller). */
const TASK_NAMES = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);

interface TraceEvent {
  name?: string;
  ph?: string;
  pid?: number;
  tid?: number;
  ts?: number;
  dur?: number;
  id?: string;
  args?: {
    name?: string;
    data?: {
      url?: string;
      workerThreadId?: number;
      startTime?: number;
      cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] };
      timeDeltas?: number[];
    };
  };
}

interface ProfileNode {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url?: string; lineNumber: number; columnNumber: number };
}

/** A function and the worker time spent in it (not in what it called), in ms. */
export interface HotFunction {
  name: string;
  selfMs: number;
}

export interface WorkerTrace {
  /** The longest task on the worker's thread, in ms (NaN when the thread was not found). */
  longestTask: number;
  tasks: number;
  /** Worker threads of this extension seen in the trace (more than one: it restarted). */
  threads: number;
  dataLoss: boolean;
  /** With `profile`: the functions the worker spent most time in, over the whole trace and
   * within its five longest tasks. */
  hot?: { overall: HotFunction[]; longestTasks: HotFunction[] };
}

/** Starts tracing through a CDP session on `page`; the function returned ends it and reads it. */
export async function traceWorker(
  context: BrowserContext,
  page: Page,
  extensionId: string,
  options: { profile?: boolean } = {},
): Promise<() => Promise<WorkerTrace>> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: {
      includedCategories: options.profile ? [...CATEGORIES, PROFILER_CATEGORY] : CATEGORIES,
    },
  });
  return async () => {
    const complete = new Promise<{ stream?: string; dataLossOccurred: boolean }>((resolve) =>
      cdp.once('Tracing.tracingComplete', resolve),
    );
    await cdp.send('Tracing.end');
    const { stream, dataLossOccurred } = await complete;
    if (!stream) throw new Error('Tracing.tracingComplete carried no stream');
    const chunks: Buffer[] = [];
    for (;;) {
      const { data, eof, base64Encoded } = await cdp.send('IO.read', {
        handle: stream,
        size: 1 << 20,
      });
      chunks.push(Buffer.from(data, base64Encoded ? 'base64' : 'utf8'));
      if (eof) break;
    }
    await cdp.send('IO.close', { handle: stream });
    await cdp.detach();
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as
      TraceEvent[] | { traceEvents: TraceEvent[] };
    const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
    const threads = workerThreads(events, extensionId);
    return {
      ...longestTask(events, threads),
      dataLoss: dataLossOccurred,
      ...(options.profile ? { hot: hotFunctions(events, threads) } : {}),
    };
  };
}

/** The extension's worker threads, as "pid:tid"; a restarted worker is another thread. */
function workerThreads(events: readonly TraceEvent[], extensionId: string): Set<string> {
  const prefix = `chrome-extension://${extensionId}/`;
  const threads = new Set<string>();
  for (const e of events) {
    const data = e.args?.data;
    if (e.name === 'TracingSessionIdForWorker' && data?.url?.startsWith(prefix))
      threads.add(`${e.pid}:${data.workerThreadId}`);
  }
  if (threads.size > 0) return threads;
  // Fallback: the thread Chromium names "ServiceWorker thread" in the extension's renderer
  // (only this extension is loaded, so that one is ours).
  const extensionProcesses = new Set(
    events
      .filter(
        (e) => e.ph === 'M' && e.name === 'process_name' && e.args?.name === 'Extension Renderer',
      )
      .map((e) => e.pid),
  );
  for (const e of events) {
    if (
      e.ph === 'M' &&
      e.name === 'thread_name' &&
      e.args?.name === 'ServiceWorker thread' &&
      extensionProcesses.has(e.pid)
    )
      threads.add(`${e.pid}:${e.tid}`);
  }
  return threads;
}

function longestTask(
  events: readonly TraceEvent[],
  threads: ReadonlySet<string>,
): { longestTask: number; tasks: number; threads: number } {
  let longest = -Infinity;
  let tasks = 0;
  for (const e of events) {
    if (e.ph !== 'X' || !TASK_NAMES.has(e.name ?? '') || !threads.has(`${e.pid}:${e.tid}`))
      continue;
    tasks++;
    longest = Math.max(longest, (e.dur ?? 0) / 1000);
  }
  return { longestTask: tasks > 0 ? longest : NaN, tasks, threads: threads.size };
}

/**
 * A worker thread's samples: each sample's time, its stack's leaf, and that profile's nodes by
 * id (a worker that restarted has a profile of its own, whose ids start over).
 */
interface Samples {
  at: number[];
  leaf: Array<{ nodes: Map<number, ProfileNode>; id: number }>;
  weight: number[];
}

/** The worker threads' CPU samples, from the profiler's Profile and ProfileChunk events. */
function workerSamples(events: readonly TraceEvent[], threads: ReadonlySet<string>): Samples {
  const profiles = new Map<string, { time: number; nodes: Map<number, ProfileNode> }>();
  for (const e of events)
    if (e.name === 'Profile' && e.id && threads.has(`${e.pid}:${e.tid}`))
      profiles.set(`${e.pid}:${e.id}`, { time: e.args?.data?.startTime ?? 0, nodes: new Map() });
  const samples: Samples = { at: [], leaf: [], weight: [] };
  for (const e of events) {
    const profile = e.name === 'ProfileChunk' ? profiles.get(`${e.pid}:${e.id}`) : undefined;
    const data = e.args?.data;
    if (!profile || !data) continue;
    for (const node of data.cpuProfile?.nodes ?? []) profile.nodes.set(node.id, node);
    const ids = data.cpuProfile?.samples ?? [];
    const deltas = data.timeDeltas ?? [];
    ids.forEach((id, i) => {
      const delta = deltas[i] ?? 0;
      profile.time += delta;
      samples.at.push(profile.time);
      samples.leaf.push({ nodes: profile.nodes, id });
      // A sample stands for the time until the next one; the delta before it is the best guess.
      samples.weight.push(Math.max(0, delta) / 1000);
    });
  }
  return samples;
}

function hotFunctions(
  events: readonly TraceEvent[],
  threads: ReadonlySet<string>,
): { overall: HotFunction[]; longestTasks: HotFunction[] } {
  const samples = workerSamples(events, threads);
  const tasks = events
    .filter((e) => e.ph === 'X' && TASK_NAMES.has(e.name ?? '') && threads.has(`${e.pid}:${e.tid}`))
    .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))
    .slice(0, 5)
    .map((e) => [e.ts ?? 0, (e.ts ?? 0) + (e.dur ?? 0)] as const);
  const top = (keep: (at: number) => boolean): HotFunction[] => {
    const byName = new Map<string, number>();
    samples.leaf.forEach(({ nodes, id }, i) => {
      if (!keep(samples.at[i] ?? 0)) return;
      const node = nodes.get(id);
      const frame = node?.callFrame;
      if (!frame || frame.functionName === '(idle)' || frame.functionName === '(program)') return;
      // A native function (a browser API's binding, fetch) is named with its nearest caller.
      const name = frame.url
        ? describeFrame(frame)
        : `${frame.functionName || '(native)'} ← ${callerOf(nodes, node)}`;
      byName.set(name, (byName.get(name) ?? 0) + (samples.weight[i] ?? 0));
    });
    return [...byName]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([name, selfMs]) => ({ name, selfMs: Math.round(selfMs * 10) / 10 }));
  };
  return {
    overall: top(() => true),
    longestTasks: top((at) => tasks.some(([from, to]) => at >= from && at <= to)),
  };
}

function describeFrame(frame: ProfileNode['callFrame']): string {
  const file = (frame.url ?? '').split('/').at(-1) ?? '';
  return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
}

/** The nearest frame above a native one that belongs to a script. */
function callerOf(nodes: ReadonlyMap<number, ProfileNode>, node: ProfileNode | undefined): string {
  const byChild = parents(nodes);
  for (let at = node && byChild.get(node.id); at; at = byChild.get(at.id))
    if (at.callFrame.url) return describeFrame(at.callFrame);
  return '(no script)';
}

const parentCache = new WeakMap<ReadonlyMap<number, ProfileNode>, Map<number, ProfileNode>>();
/** Each node's parent (chunks give `parent` on the child). */
function parents(nodes: ReadonlyMap<number, ProfileNode>): Map<number, ProfileNode> {
  let found = parentCache.get(nodes);
  if (!found) {
    found = new Map();
    for (const node of nodes.values()) {
      const parent = node.parent === undefined ? undefined : nodes.get(node.parent);
      if (parent) found.set(node.id, parent);
    }
    parentCache.set(nodes, found);
  }
  return found;
}
