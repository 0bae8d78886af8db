// A stand-in for the OpenAI Responses API on 127.0.0.1, for driving the real Codex CLI in tests.
// Codex reaches it through a `model_providers` entry with wire_api = "responses" (see
// test/support/codex-home.ts). Every request is recorded; each answer is a server-sent event stream
// shaped the way codex 0.169.0 parses it (codex-rs/codex-api/src/sse/responses.rs):
//   event: response.created             data: {"type":"response.created","response":{"id":…}}
//   event: response.output_item.added   data: {"type":…,"item":<ResponseItem>}
//   event: response.output_text.delta   data: {"type":…,"delta":"…"}            (messages only)
//   event: response.output_item.done    data: {"type":…,"item":<ResponseItem>}
//   event: response.completed           data: {"type":…,"response":{"id":…,"usage":{input_tokens,output_tokens,total_tokens}}}
// Items: an assistant message {type:"message",role:"assistant",content:[{type:"output_text",text}]},
// a function call {type:"function_call",name,arguments:"<json>",call_id}. In 0.169.0 the shell tool
// is `exec_command` ({cmd, workdir?, yield_time_ms?, tty?}); apply_patch, when the request offers no
// apply_patch tool, goes through exec_command as `apply_patch <<'EOF' … EOF`, which Codex intercepts
// and applies itself (under the same sandbox and approval rules).
// Besides the turns, Codex asks for a thread title (a request whose text.format is a JSON schema
// with a `title`): answered with {"title": …} and not counted as a turn.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (null for a body that is not JSON). */
  body: ResponsesBody | null;
}

/** The parts of a Responses request body the stand-in reads. */
export interface ResponsesBody {
  model?: string;
  input?: InputItem[];
  tools?: { type?: string; name?: string }[];
  text?: { format?: { type?: string; name?: string; schema?: { properties?: Record<string, unknown> } } } | null;
  [key: string]: unknown;
}

export interface InputItem {
  type?: string;
  role?: string;
  content?: { type?: string; text?: string }[] | string;
  name?: string;
  arguments?: string;
  call_id?: string;
  output?: string | { content?: string } | { type?: string; text?: string }[];
  [key: string]: unknown;
}

export type ToolCall =
  | { kind: 'exec'; cmd: string; step: string; workdir?: string }
  | { kind: 'apply_patch'; patch: string; step: string };

/** One answer of the model: tool calls (Codex runs them and asks again) or a final message. */
export interface ModelTurn {
  text?: string;
  calls?: ToolCall[];
}

export type Script = (request: RecordedRequest, api: ResponsesApi) => ModelTurn;

export interface ResponsesApi {
  /** The provider's base_url (ends in /v1). */
  baseUrl: string;
  port: number;
  requests: RecordedRequest[];
  /** Turn requests only (not the title requests). */
  turns(): RecordedRequest[];
  close(): Promise<void>;
}

export function isTitleRequest(body: ResponsesBody | null): boolean {
  const format = body?.text?.format;
  return format?.type === 'json_schema' && Boolean(format.schema?.properties && 'title' in format.schema.properties);
}

/** Text of one input item, whatever its shape (message content parts, a tool output). */
export function itemText(item: InputItem): string {
  if (typeof item.content === 'string') return item.content;
  if (Array.isArray(item.content)) return item.content.map((part) => part.text ?? '').join('\n');
  if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') return outputText(item);
  if (item.type === 'function_call') return item.arguments ?? '';
  return '';
}

export function outputText(item: InputItem): string {
  const out = item.output;
  if (typeof out === 'string') return out;
  if (Array.isArray(out)) return out.map((part) => part.text ?? '').join('\n');
  if (out && typeof out === 'object' && 'content' in out && typeof out.content === 'string') return out.content;
  return JSON.stringify(out ?? '');
}

/** All the text the model was given in one request (instructions, messages, tool outputs). */
export function requestText(request: RecordedRequest): string {
  const body = request.body;
  if (!body) return '';
  const instructions = typeof body.instructions === 'string' ? body.instructions : '';
  return [instructions, ...(body.input ?? []).map(itemText)].join('\n');
}

let callCounter = 0;

function sse(res: http.ServerResponse, event: Record<string, unknown>): void {
  res.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
}

function hasApplyPatchTool(body: ResponsesBody | null): boolean {
  return Boolean(body?.tools?.some((tool) => tool.name === 'apply_patch' && tool.type === 'function'));
}

function functionCallItem(call: ToolCall, body: ResponsesBody | null): Record<string, unknown> {
  const call_id = `call_${call.step}_${++callCounter}`;
  if (call.kind === 'apply_patch' && hasApplyPatchTool(body)) {
    return { type: 'function_call', id: `fc_${callCounter}`, name: 'apply_patch', arguments: JSON.stringify({ input: call.patch }), call_id };
  }
  const cmd = call.kind === 'exec' ? call.cmd : `apply_patch <<'PATCH'\n${call.patch}\nPATCH`;
  const args: Record<string, unknown> = { cmd, yield_time_ms: 30000, tty: false, login: false };
  if (call.kind === 'exec' && call.workdir) args.workdir = call.workdir;
  return { type: 'function_call', id: `fc_${callCounter}`, name: 'exec_command', arguments: JSON.stringify(args), call_id };
}

function streamTurn(res: http.ServerResponse, turn: ModelTurn, body: ResponsesBody | null): void {
  const id = `resp_${++callCounter}`;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  sse(res, { type: 'response.created', response: { id } });
  let index = 0;
  if (turn.text !== undefined) {
    const item = { type: 'message', role: 'assistant', id: `msg_${callCounter}`, content: [{ type: 'output_text', text: turn.text, annotations: [] }] };
    sse(res, { type: 'response.output_item.added', output_index: index, item: { ...item, content: [] } });
    sse(res, { type: 'response.output_text.delta', output_index: index, content_index: 0, delta: turn.text });
    sse(res, { type: 'response.output_item.done', output_index: index, item });
    index++;
  }
  for (const call of turn.calls ?? []) {
    const item = functionCallItem(call, body);
    sse(res, { type: 'response.output_item.added', output_index: index, item });
    sse(res, { type: 'response.output_item.done', output_index: index, item });
    index++;
  }
  sse(res, { type: 'response.completed', response: { id, usage: { input_tokens: 100, input_tokens_details: { cached_tokens: 0 }, output_tokens: 10, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 110 } } });
  res.end();
}

/** Starts the stand-in on a free port of 127.0.0.1; `script` decides every turn. */
export async function startResponsesApi(script: Script): Promise<ResponsesApi> {
  const requests: RecordedRequest[] = [];
  const api: ResponsesApi = {
    baseUrl: '',
    port: 0,
    requests,
    turns: () => requests.filter((r) => r.path.endsWith('/responses') && !isTitleRequest(r.body)),
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: ResponsesBody | null = null;
      try {
        body = text ? (JSON.parse(text) as ResponsesBody) : null;
      } catch {
        body = null;
      }
      const request: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body };
      requests.push(request);
      if (request.method !== 'POST' || !request.path.endsWith('/responses')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `the stand-in serves POST /v1/responses only, not ${request.method} ${request.path}` } }));
        return;
      }
      if (isTitleRequest(body)) {
        streamTurn(res, { text: JSON.stringify({ title: 'wt-coord worker' }) }, body);
        return;
      }
      let turn: ModelTurn;
      try {
        turn = script(request, api);
      } catch (error) {
        turn = { text: `stand-in script failed: ${(error as Error).message}` };
      }
      streamTurn(res, turn, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.port = (server.address() as AddressInfo).port;
  api.baseUrl = `http://127.0.0.1:${api.port}/v1`;
  return api;
}

// ---------------------------------------------------------------------------------------------
// The worker: plays an instance's agent through coordinate.sh, the way the first prompt asks.
// Stateless: every decision is read back from the conversation Codex sends (the call ids name the
// step they were made for), so two Codex sessions can share one stand-in.

export interface WorkerOptions {
  /** The coordinate script as the worker calls it (relative to the worktree by default). */
  coordinate?: string;
  /** Discovery queued with update-memory for each task ({task} is replaced); null: none. */
  discovery?: string | null;
  /** Seconds to wait before asking again when tasks wait on others. */
  retrySeconds?: number;
  /** When nothing is ready yet: ask again after retrySeconds, or end the turn (idle until woken). */
  onWaiting?: 'retry' | 'stop';
  /** The first task is completed only after some worker ended its turn with nothing ready (or after 60 s):
   *  makes "an agent goes idle and must be woken" happen on every run, not by timing. */
  holdFirstCompletionUntilIdle?: boolean;
}

interface Step {
  step: string;
  output: string;
}

/** The exit code Codex reports in an exec_command output ("Process exited with code N"). */
export function exitCodeOf(output: string): number | null {
  const match = /exit(?:ed with)? code:?\s*(-?\d+)/i.exec(output);
  return match ? Number(match[1]) : null;
}

export function stepsOf(body: ResponsesBody | null): Step[] {
  const input = body?.input ?? [];
  const stepByCall = new Map<string, string>();
  const steps: Step[] = [];
  for (const item of input) {
    if (item.type === 'function_call' && item.call_id) stepByCall.set(item.call_id, /^call_([a-z-]+)_/.exec(item.call_id)?.[1] ?? 'unknown');
    if ((item.type === 'function_call_output' || item.type === 'custom_tool_call_output') && item.call_id) {
      steps.push({ step: stepByCall.get(item.call_id) ?? 'unknown', output: outputText(item) });
    }
  }
  return steps;
}

/** The newest user message after the last tool output: a new prompt starts the loop again. */
function newPromptSinceLastStep(body: ResponsesBody | null): boolean {
  const input = body?.input ?? [];
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i]!;
    if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output' || item.type === 'function_call') return false;
    if (item.type === 'message' && item.role === 'user') return true;
  }
  return true;
}

interface Briefing {
  id: string;
  description: string;
  files: string[];
}

export function parseBriefing(output: string): Briefing | null {
  const id = /task-\d+/.exec(output)?.[0];
  if (!id) return null;
  const line = output.split('\n').find((l) => l.includes(id)) ?? '';
  const description = line.slice(line.indexOf(id) + id.length).replace(/^[^:]*:\s*/, '').trim() || id;
  const filesLine = /^\s*files:\s*(.+)$/m.exec(output)?.[1];
  const files = filesLine ? filesLine.split(',').map((f) => f.trim()).filter(Boolean) : [`work/${id}.txt`];
  return { id, description, files };
}

function addFilePatch(files: string[], line: string): string {
  return ['*** Begin Patch', ...files.flatMap((file) => [`*** Add File: ${file}`, `+${line}`]), '*** End Patch'].join('\n');
}

const shellWord = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The worker as a script: request-task, write the task's files (apply_patch), then commit, queue a discovery and complete (one command), repeat. */
export function workerScript(options: WorkerOptions = {}): Script {
  const c = options.coordinate ?? './.claude-instance/coordinate.sh';
  const discovery = options.discovery === undefined ? 'pattern from {task}: files of a task live under work/' : options.discovery;
  const retry = options.retrySeconds ?? 1;
  const request: ToolCall = { kind: 'exec', step: 'request', cmd: `${c} request-task` };
  let wentIdle = false;
  let completions = 0;
  let holds = 0;
  // Every other protocol call in one command, one model turn: claim the file, report progress,
  // commit (through the pre-commit claim guard), queue the discovery, tell the leader, complete.
  // `;` and not `&&`: a refused call does not stop the others, and the test names what is missing.
  const finish = (task: Briefing | null): ModelTurn => {
    completions++;
    const memory = discovery ? [`${c} update-memory ${shellWord(discovery.replace('{task}', task?.id ?? '?'))} --category pattern`] : [];
    const cmd = [
      `${c} claim ${shellWord(task?.files[0] ?? 'work/')} ${shellWord(`writing ${task?.id}`)}`,
      `${c} report-progress 80% ${shellWord(`${task?.id} written, committing`)}`,
      `git add -A && git commit -q -m ${shellWord(`${task?.id}: ${task?.description}`)}`,
      'git log --oneline -1',
      ...memory,
      `${c} send leader ${shellWord(`finished ${task?.id}`)}`,
      `${c} complete ${task?.id ?? ''} ${shellWord(`did ${task?.id} in its own commit`)}`,
    ].join('; ');
    return { calls: [{ kind: 'exec', step: 'finish', cmd }] };
  };
  return (req) => {
    const steps = stepsOf(req.body);
    const last = steps.at(-1);
    if (!last || newPromptSinceLastStep(req.body)) return { text: 'Taking a task.', calls: [request] };
    const lastRequest = [...steps].reverse().find((s) => s.step === 'request' && parseBriefing(s.output));
    const task = lastRequest ? parseBriefing(lastRequest.output) : null;
    switch (last.step) {
      case 'request': {
        if (/queue is empty|nothing left/i.test(last.output)) return { text: 'No task left: stopping.' };
        const briefing = parseBriefing(last.output);
        if (!briefing || exitCodeOf(last.output) === 3) {
          if (options.onWaiting === 'stop') {
            wentIdle = true;
            return { text: 'Nothing is ready for me yet: waiting to be told.' };
          }
          return { calls: [{ kind: 'exec', step: 'request', cmd: `sleep ${retry}; ${c} request-task` }] };
        }
        return { calls: [{ kind: 'apply_patch', step: 'write', patch: addFilePatch(briefing.files, `${briefing.id}: ${briefing.description}`) }] };
      }
      case 'write':
        if (options.holdFirstCompletionUntilIdle && completions === 0 && !wentIdle && holds++ < 60) return { calls: [{ kind: 'exec', step: 'write', cmd: 'sleep 1' }] };
        return finish(task);
      default:
        return { calls: [request] };
    }
  };
}
