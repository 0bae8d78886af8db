// A stand-in for the Anthropic Messages API on 127.0.0.1, for driving the real Claude Code binary
// (ANTHROPIC_BASE_URL=<url>). It answers POST /v1/messages with the documented streaming events
// (message_start, content_block_start/delta/stop with text or tool_use + input_json_delta,
// message_delta with the stop_reason, message_stop), or one JSON message when stream is false,
// and records every request so that a test can assert what the model was shown.
//
// The model is a script: a function of the conversation so far. `workerScript` plays a wt-coord
// worker purely from the tool results it is shown (ids of its own tool calls carry the step), so
// the same conversation always gets the same answer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  time: number;
}

export type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface Reply {
  content: Block[];
  stop_reason: 'end_turn' | 'tool_use' | 'max_tokens';
}

export interface MessagesRequest {
  model?: string;
  system?: string | { type: string; text: string }[];
  /** Claude Code 2.1.3xx also sends `system` turns inside messages (hook feedback, environment). */
  messages: { role: 'user' | 'assistant' | 'system'; content: string | ContentPart[] }[];
  tools?: { name: string }[];
  stream?: boolean;
  max_tokens?: number;
}

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content: string | { type: string; text?: string }[]; is_error?: boolean }
  | { type: string; [key: string]: unknown };

/** Decides the next assistant turn; may wait (a promise) to hold an agent mid-task. */
export type Script = (request: MessagesRequest, api: FakeAnthropicApi) => Reply | Promise<Reply>;

export interface FakeAnthropicApi {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** The /v1/messages requests of the main conversation (the ones that offer tools). */
  conversations(): MessagesRequest[];
  close(): Promise<void>;
}

export function textOf(content: string | ContentPart[] | undefined | null): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part) => {
      if (part.type === 'text') return String((part as { text: string }).text);
      if (part.type === 'tool_result') {
        const c = (part as { content: unknown }).content;
        return typeof c === 'string' ? c : Array.isArray(c) ? c.map((x: { text?: string }) => x.text ?? '').join('\n') : '';
      }
      return '';
    })
    .join('\n');
}

/** Everything the model is shown in a request (system prompt and every message), as one text. */
export function modelInput(request: MessagesRequest): string {
  const system = typeof request.system === 'string' ? request.system : (request.system ?? []).map((s) => s.text).join('\n');
  return [system, ...request.messages.map((m) => textOf(m.content))].join('\n');
}

function sse(res: http.ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

let messageCounter = 0;
// Unique across fake servers too: a resumed transcript may hold messages of an earlier one.
const RUN_TAG = Math.random().toString(36).slice(2, 8);

function streamReply(res: http.ServerResponse, model: string, reply: Reply, inputTokens: number): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'request-id': `req_fake_${messageCounter}` });
  const id = `msg_fake_${RUN_TAG}_${++messageCounter}`;
  sse(res, 'message_start', {
    type: 'message_start',
    message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: inputTokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } },
  });
  sse(res, 'ping', { type: 'ping' });
  let outputTokens = 1;
  reply.content.forEach((block, index) => {
    if (block.type === 'text') {
      sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } });
      outputTokens += Math.ceil(block.text.length / 4);
    } else {
      sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      const json = JSON.stringify(block.input);
      // Split the input like the real API does, so a client that only handles one delta would fail.
      const cut = Math.max(1, Math.floor(json.length / 2));
      sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(0, cut) } });
      sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(cut) } });
      outputTokens += Math.ceil(json.length / 4);
    }
    sse(res, 'content_block_stop', { type: 'content_block_stop', index });
  });
  sse(res, 'message_delta', { type: 'message_delta', delta: { stop_reason: reply.stop_reason, stop_sequence: null }, usage: { output_tokens: outputTokens } });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

function jsonReply(res: http.ServerResponse, model: string, reply: Reply, inputTokens: number): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ id: `msg_fake_${RUN_TAG}_${++messageCounter}`, type: 'message', role: 'assistant', model, content: reply.content, stop_reason: reply.stop_reason, stop_sequence: null, usage: { input_tokens: inputTokens, output_tokens: 5 } }));
}

/** A rough token count (4 characters a token), so usage figures are non-zero and grow with the input. */
function estimateTokens(body: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(body ?? '').length / 4));
}

export interface ApiError {
  status: number;
  type: string;
  message: string;
  headers?: Record<string, string>;
}

export interface FakeApiOptions {
  script: Script;
  /** An error to answer a conversation request with instead of the script (e.g. 429 rate_limit_error). */
  errorFor?: (request: MessagesRequest) => ApiError | null;
  /** Called with every request as it arrives (for logging while experimenting). */
  onRequest?: (request: RecordedRequest) => void;
}

export async function startFakeAnthropicApi(options: FakeApiOptions): Promise<FakeAnthropicApi> {
  const requests: RecordedRequest[] = [];
  const api: FakeAnthropicApi = {
    url: '',
    port: 0,
    requests,
    conversations: () =>
      requests
        .filter((r) => r.path.startsWith('/v1/messages') && !r.path.includes('count_tokens') && Array.isArray((r.body as MessagesRequest)?.tools) && (r.body as MessagesRequest).tools!.length > 0)
        .map((r) => r.body as MessagesRequest),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        // keep the raw text
      }
      const pathname = (req.url ?? '/').split('?')[0]!;
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, time: Date.now() };
      requests.push(recorded);
      options.onRequest?.(recorded);
      void answer(pathname, req, res, body).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: String(error) } }));
      });
    });
  });

  async function answer(pathname: string, req: http.IncomingMessage, res: http.ServerResponse, body: unknown): Promise<void> {
    if (req.method === 'POST' && pathname === '/v1/messages/count_tokens') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ input_tokens: estimateTokens(body) }));
      return;
    }
    if (req.method === 'POST' && pathname === '/v1/messages') {
      const request = body as MessagesRequest;
      const model = request.model ?? 'claude-fake';
      const hasTools = Array.isArray(request.tools) && request.tools.length > 0;
      const error = hasTools ? options.errorFor?.(request) : null;
      if (error) {
        res.writeHead(error.status, { 'content-type': 'application/json', ...error.headers });
        res.end(JSON.stringify({ type: 'error', error: { type: error.type, message: error.message } }));
        return;
      }
      // Side requests (titles, summaries, quota checks) offer no tools: a short text answers them.
      const reply = hasTools ? await options.script(request, api) : { content: [{ type: 'text' as const, text: 'ok' }], stop_reason: 'end_turn' as const };
      // The agent may have been killed while the script held its answer.
      if (res.destroyed || req.socket.destroyed) return;
      if (request.stream) streamReply(res, model, reply, estimateTokens(request.messages));
      else jsonReply(res, model, reply, estimateTokens(request.messages));
      return;
    }
    // Anything else the binary asks at start (model lists, account checks): an empty success.
    res.writeHead(req.method === 'HEAD' ? 200 : 200, { 'content-type': 'application/json' });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(pathname === '/v1/models' ? { data: [], has_more: false, first_id: null, last_id: null } : {}));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.port = (server.address() as AddressInfo).port;
  api.url = `http://127.0.0.1:${api.port}`;
  return api;
}

// ---------------------------------------------------------------------------------------------
// The worker: request-task, write the task's file, commit, queue a discovery, complete, ask again.

const COORDINATE = '.claude-instance/coordinate.sh';

interface ToolCallRecord {
  id: string;
  step: string;
  input: Record<string, unknown>;
  result: string;
  isError: boolean;
}

/** The tool calls of the conversation with their results, in order. */
export function toolCalls(request: MessagesRequest): ToolCallRecord[] {
  const calls = new Map<string, ToolCallRecord>();
  const order: string[] = [];
  for (const message of request.messages) {
    if (typeof message.content === 'string') continue;
    for (const part of message.content) {
      if (part.type === 'tool_use') {
        const use = part as { id: string; input: Record<string, unknown> };
        const step = /^toolu_([a-z-]+)_/.exec(use.id)?.[1] ?? 'other';
        calls.set(use.id, { id: use.id, step, input: use.input, result: '', isError: false });
        order.push(use.id);
      } else if (part.type === 'tool_result') {
        const result = part as unknown as { tool_use_id: string; is_error?: boolean };
        const call = calls.get(result.tool_use_id);
        if (call) {
          call.result = textOf([part]);
          call.isError = result.is_error === true;
        }
      }
    }
  }
  return order.map((id) => calls.get(id)!);
}

let toolCounter = 0;
function toolUse(step: string, name: string, input: Record<string, unknown>): Reply {
  return { content: [{ type: 'tool_use', id: `toolu_${step}_${++toolCounter}`, name, input }], stop_reason: 'tool_use' };
}
const bash = (step: string, command: string) => toolUse(step, 'Bash', { command, description: step });
const endTurn = (text: string): Reply => ({ content: [{ type: 'text', text }], stop_reason: 'end_turn' });

/** The working directory Claude Code states in its environment turn ("Primary working directory: /x"). */
export function workingDirectory(request: MessagesRequest): string | null {
  return /working directory: (\S+)/i.exec(modelInput(request))?.[1] ?? null;
}

/** The instance name a request is from ("You are instance-2" in the first prompt or the context). */
export function instanceOf(request: MessagesRequest): string | null {
  return /\bYou are (instance-\d+)/.exec(modelInput(request))?.[1] ?? null;
}

export interface WorkerOptions {
  /** Called before each task's work; a promise that waits holds the agent mid-task (the task stays claimed). */
  beforeWork?: (taskId: string, request: MessagesRequest) => void | Promise<void>;
  /** A tool call to make first (e.g. one the permission policy does not allow). */
  firstCall?: { name: string; input: Record<string, unknown> };
}

/**
 * A worker that only ever looks at its last tool call and that call's result: the step is in the
 * tool_use id. After a turn ends with no task, a new user message (the Stop hook's reason or a
 * typed nudge) starts the loop again with request-task.
 */
export function workerScript(options: WorkerOptions = {}): Script {
  return async (request) => {
    const calls = toolCalls(request);
    const last = calls.at(-1);
    const lastMessage = request.messages.filter((m) => m.role !== 'system').at(-1);
    const lastIsNewUserText = lastMessage?.role === 'user' && !(Array.isArray(lastMessage.content) && lastMessage.content.some((p) => p.type === 'tool_result'));
    if (options.firstCall && !calls.some((c) => c.step === 'first')) return toolUse('first', options.firstCall.name, options.firstCall.input);
    if (!last || lastIsNewUserText) return bash('request', `${COORDINATE} request-task`);
    // The task this stretch of work is about: the last successful request-task's briefing.
    const briefing = [...calls].reverse().find((c) => c.step === 'request' && /^(Claimed|You already hold) task-\d+/m.test(c.result));
    const taskId = briefing ? /(task-\d+)/.exec(briefing.result)![1]! : null;
    switch (last.step) {
      case 'first':
        return bash('request', `${COORDINATE} request-task`);
      case 'request': {
        if (!/^(Claimed|You already hold) task-\d+/m.test(last.result)) return endTurn(`No task for me now: ${last.result.split('\n')[0]}`);
        await options.beforeWork?.(taskId!, request);
        const files = /^files: (.+)$/m.exec(last.result)?.[1]?.split(',').map((f) => f.trim()).filter(Boolean) ?? [];
        const file = files[0] ?? `work/${taskId}.txt`;
        const dir = workingDirectory(request) ?? '.';
        return toolUse('write', 'Write', { file_path: file.startsWith('/') ? file : `${dir}/${file}`, content: `${taskId} done by ${instanceOf(request) ?? 'an agent'}\n` });
      }
      case 'write':
        return bash('add', 'git add -A');
      case 'add':
        return bash('commit', `git commit -q -m "${taskId}: scripted work"`);
      case 'commit':
        return bash('memory', `${COORDINATE} update-memory "${taskId} taught us that scripted work is quick" --category pattern`);
      case 'memory':
        return bash('complete', `${COORDINATE} complete ${taskId} "did ${taskId}"`);
      case 'complete':
        return bash('request', `${COORDINATE} request-task`);
      default:
        return bash('request', `${COORDINATE} request-task`);
    }
  };
}

/** A point a scripted agent stops at until the test lets it go: `reached` tells who got there. */
export interface Gate {
  reached: Promise<string>;
  wait(who: string): Promise<void>;
  release(): void;
}

export function gate(): Gate {
  let arrive!: (who: string) => void;
  let open!: () => void;
  const reached = new Promise<string>((resolve) => (arrive = resolve));
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    reached,
    wait: (who) => {
      arrive(who);
      return opened;
    },
    release: () => open(),
  };
}

/** The conversation requests of one instance. */
export function requestsOf(api: FakeAnthropicApi, instance: string): MessagesRequest[] {
  return api.conversations().filter((r) => instanceOf(r) === instance);
}
