import type { BrowserContext, Page } from 'playwright-core';

/**
 * A Chromium trace (CDP Tracing) of the extension's service worker while something runs: the
 * longest task its thread ran. Only the few categories needed are recorded, so the trace stays
 * small; tracing still adds some overhead to every task, so a figure from it runs a little high.
 */
const CATEGORIES = ['disabled-by-default-devtools.timeline', 'toplevel', '__metadata'];
/** The task that wraps everything a thread runs (older builds named it after its controller). */
const TASK_NAMES = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);

interface TraceEvent {
  name?: string;
  ph?: string;
  pid?: number;
  tid?: number;
  dur?: number;
  args?: { name?: string; data?: { url?: string; workerThreadId?: number } };
}

export interface WorkerTrace {
  /** The longest task on the worker's thread, in ms (NaN when the thread was not found). */
  longestTask: number;
  tasks: number;
  /** Worker threads of this extension seen in the trace (more than one: it restarted). */
  threads: number;
  dataLoss: boolean;
}

/** Starts tracing through a CDP session on `page`; the function returned ends it and reads it. */
export async function traceWorker(
  context: BrowserContext,
  page: Page,
  extensionId: string,
): Promise<() => Promise<WorkerTrace>> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: { includedCategories: CATEGORIES },
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
    return {
      ...longestTask(events, workerThreads(events, extensionId)),
      dataLoss: dataLossOccurred,
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
