import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClassifier } from './classify.ts';
import { createLlmClassifier, parseJsonContent } from './llm.ts';
import type { ClassifyInput } from './types.ts';

// A fake OpenAI-compatible endpoint: each test sets `respond`, and every
// request it receives is recorded so tests can check what was sent.
type Responder = (body: Record<string, unknown>, res: ServerResponse) => void;
let respond: Responder;
let requests: { url: string | undefined; authorization: string | undefined; body: Record<string, unknown> }[] = [];
let server: Server;
let baseUrl: string;

const completion = (content: string) => ({
  id: 'chatcmpl-test',
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
});
const sendJson = (res: ServerResponse, status: number, payload: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
};

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      requests.push({ url: req.url, authorization: req.headers.authorization, body });
      respond(body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests = [];
});

const RECEIVED = '2026-12-10T09:00:00Z';
const input = (text: string, overrides: Partial<ClassifyInput> = {}): ClassifyInput => ({
  subject: 'Re: Senior Backend Engineer at Northwind',
  text,
  receivedAt: RECEIVED,
  ...overrides,
});
const classifier = (timeoutMs = 2_000) =>
  createLlmClassifier({ baseUrl: `${baseUrl}/`, apiKey: 'test-key', model: 'test-model', timeoutMs });

describe('LLM classifier against an OpenAI-compatible endpoint', () => {
  it('uses a valid structured answer and says the LLM decided', async () => {
    respond = (_body, res) =>
      sendJson(
        res,
        200,
        completion(
          JSON.stringify({ label: 'interested', confidence: 0.92, reason: 'asks for a call', return_date: null }),
        ),
      );
    const result = await classifier().classify(input("Sure, let's talk Monday."));
    expect(result).toEqual({
      label: 'interested',
      confidence: 0.92,
      reason: 'asks for a call',
      provider: 'llm:test-model',
    });

    const [request] = requests;
    expect(request?.url).toBe('/v1/chat/completions');
    expect(request?.authorization).toBe('Bearer test-key');
    expect(request?.body).toMatchObject({
      model: 'test-model',
      response_format: {
        type: 'json_schema',
        json_schema: {
          strict: true,
          schema: { properties: { label: { enum: ['interested', 'not_interested', 'out_of_office', 'other'] } } },
        },
      },
    });
  });

  it('sends only what the candidate wrote, not the quoted outreach', async () => {
    respond = (_body, res) =>
      sendJson(
        res,
        200,
        completion('{"label":"not_interested","confidence":0.9,"reason":"declines","return_date":null}'),
      );
    await classifier().classify(
      input('No thanks.\n\nOn Tue, Dec 8, 2026 at 10:02 AM Sam <sam@northwind.example> wrote:\n> Secret pitch'),
    );
    const messages = requests[0]?.body.messages as { content: string }[];
    expect(messages.at(-1)?.content).toContain('No thanks.');
    expect(messages.at(-1)?.content).not.toContain('Secret pitch');
  });

  it('reads JSON wrapped in a markdown fence', async () => {
    respond = (_body, res) =>
      sendJson(
        res,
        200,
        completion(
          'Here you go:\n```json\n{"label": "not_interested", "confidence": 0.8, "reason": "happy where they are", "return_date": null}\n```',
        ),
      );
    const result = await classifier().classify(input("I'm happy where I am."));
    expect(result).toMatchObject({ label: 'not_interested', provider: 'llm:test-model' });
  });

  it('asks again without response_format when the server rejects it with 400', async () => {
    respond = (body, res) => {
      if ('response_format' in body) sendJson(res, 400, { error: { message: 'response_format not supported' } });
      else
        sendJson(
          res,
          200,
          completion('{"label":"interested","confidence":0.7,"reason":"wants details","return_date":null}'),
        );
    };
    const result = await classifier().classify(input('Send me the JD.'));
    expect(result).toMatchObject({ label: 'interested', provider: 'llm:test-model' });
    expect(requests).toHaveLength(2);
    expect(requests[1]?.body).not.toHaveProperty('response_format');
  });

  it('takes the return date the model gives for an out-of-office reply', async () => {
    respond = (_body, res) =>
      sendJson(
        res,
        200,
        completion('{"label":"out_of_office","confidence":0.95,"reason":"vacation","return_date":"2027-01-05"}'),
      );
    const result = await classifier().classify(input('On vacation, back in January.'));
    expect(result).toMatchObject({ label: 'out_of_office', returnDate: '2027-01-05', provider: 'llm:test-model' });
  });

  it('reads the return date itself when the model gives none or one in the past', async () => {
    respond = (_body, res) =>
      sendJson(
        res,
        200,
        completion('{"label":"out_of_office","confidence":0.95,"reason":"vacation","return_date":"2025-01-05"}'),
      );
    const result = await classifier().classify(input('I am out of the office until January 5th.'));
    expect(result).toMatchObject({ label: 'out_of_office', returnDate: '2027-01-05' });
  });

  it('skips the call for replies whose headers mark them as auto-replies', async () => {
    respond = () => {
      throw new Error('must not be called');
    };
    const result = await classifier().classify(
      input('Away until 12/14.', { headers: { 'Auto-Submitted': 'auto-replied' } }),
    );
    expect(result).toMatchObject({
      label: 'out_of_office',
      returnDate: '2026-12-14',
      provider: 'rules (auto-reply headers)',
    });
    expect(requests).toHaveLength(0);
  });
});

describe('LLM classifier falls back to the rules and says so', () => {
  it('on output that is not JSON', async () => {
    respond = (_body, res) => sendJson(res, 200, completion('I think this candidate is keen!'));
    const result = await classifier().classify(input('Not interested, thanks.'));
    expect(result).toMatchObject({ label: 'not_interested', provider: 'rules (fallback: llm output is not JSON)' });
  });

  it('on a label outside the schema', async () => {
    respond = (_body, res) =>
      sendJson(res, 200, completion('{"label":"maybe","confidence":0.5,"reason":"?","return_date":null}'));
    const result = await classifier().classify(input("Let's talk!"));
    expect(result).toMatchObject({
      label: 'interested',
      provider: 'rules (fallback: llm returned unknown label "maybe")',
    });
  });

  it('on a response without message content', async () => {
    respond = (_body, res) => sendJson(res, 200, { choices: [] });
    const result = await classifier().classify(input("Let's talk!"));
    expect(result.provider).toBe('rules (fallback: llm response has no message content)');
  });

  it('on HTTP 500', async () => {
    respond = (_body, res) => sendJson(res, 500, { error: { message: 'overloaded' } });
    const result = await classifier().classify(input('Please unsubscribe me.'));
    expect(result).toMatchObject({ label: 'not_interested', provider: 'rules (fallback: llm http 500)' });
  });

  it('on a timeout, within about the timeout', async () => {
    respond = () => {
      // never answers
    };
    const started = Date.now();
    const result = await classifier(200).classify(input("Let's talk!"));
    expect(result).toMatchObject({ label: 'interested', provider: 'rules (fallback: llm timeout after 200 ms)' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('when the endpoint is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await createLlmClassifier({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      apiKey: 'k',
      model: 'm',
    }).classify(input('No thanks.'));
    expect(result.label).toBe('not_interested');
    expect(result.provider).toMatch(/^rules \(fallback: llm unreachable: /);
  });
});

describe('createClassifier with an LLM configured', () => {
  it('classifies through the endpoint named in the environment', async () => {
    respond = (_body, res) =>
      sendJson(res, 200, completion('{"label":"other","confidence":0.6,"reason":"ack","return_date":null}'));
    const result = await createClassifier({
      REPLY_CLASSIFIER_BASE_URL: baseUrl,
      REPLY_CLASSIFIER_API_KEY: 'env-key',
      REPLY_CLASSIFIER_MODEL: 'env-model',
      REPLY_CLASSIFIER_TIMEOUT_MS: '1500',
    }).classify(input('Got it.'));
    expect(result).toMatchObject({ label: 'other', provider: 'llm:env-model' });
    expect(requests[0]?.authorization).toBe('Bearer env-key');
  });
});

describe('parseJsonContent', () => {
  it('reads plain JSON, fenced JSON and JSON inside a sentence', () => {
    expect(parseJsonContent('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonContent('```\n{"a":2}\n```')).toEqual({ a: 2 });
    expect(parseJsonContent('Answer: {"a":3} hope that helps')).toEqual({ a: 3 });
  });

  it('throws for text without JSON', () => {
    expect(() => parseJsonContent('no json here')).toThrow('llm output is not JSON');
  });
});
