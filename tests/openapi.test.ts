import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.ts';

// Every REST endpoint of the API, as "<method> <path>" relative to the /api server URL.
const ENDPOINTS = [
  'get /setup', 'post /setup',
  'post /session', 'get /session', 'delete /session',
  'get /me',
  'get /users', 'post /users', 'get /users/{id}', 'patch /users/{id}',
  'get /me/tokens', 'post /me/tokens', 'delete /me/tokens/{id}',
  'get /teams', 'post /teams', 'get /teams/{id}', 'patch /teams/{id}', 'delete /teams/{id}', 'put /teams/{id}/members',
  'get /inboxes', 'post /inboxes', 'get /inboxes/{id}', 'patch /inboxes/{id}', 'delete /inboxes/{id}', 'put /inboxes/{id}/members',
  'get /contacts', 'get /contacts/{id}', 'patch /contacts/{id}',
  'post /contacts/{id}/identities', 'delete /contacts/{id}/identities/{identityId}', 'get /contacts/{id}/conversations',
  'get /conversations', 'get /conversations/{id}', 'patch /conversations/{id}',
  'get /conversations/{id}/messages', 'post /conversations/{id}/messages', 'post /conversations/{id}/notes',
  'post /messages/{id}/retry',
  'get /conversations/unread-counts', 'get /conversations/reads', 'post /conversations/{id}/read',
  'get /labels', 'post /labels', 'patch /labels/{id}', 'delete /labels/{id}',
  'get /canned-responses', 'post /canned-responses', 'patch /canned-responses/{id}', 'delete /canned-responses/{id}',
];

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = Record<string, any>;

/** Every value in the document with its JSON pointer. */
function* walk(node: Json, pointer = '#'): Generator<[string, Json]> {
  yield [pointer, node];
  if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) yield* walk(v, `${pointer}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`);
  }
}

function resolve(doc: Obj, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<any>((n, key) => (n && typeof n === 'object' ? n[key] : undefined), doc);
}

describe('OpenAPI document', () => {
  let t: TestServer;
  let doc: Obj;
  let operations: Array<{ method: string; path: string; op: Obj }>;

  beforeAll(async () => {
    t = await startTestServer('pglite');
    const res = await fetch(`${t.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    doc = (await res.json()) as Obj;
    operations = Object.entries<Obj>(doc.paths ?? {}).flatMap(([path, item]) =>
      Object.entries<Obj>(item)
        .filter(([m]) => METHODS.has(m))
        .map(([method, op]) => ({ method, path, op })),
    );
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('is an OpenAPI 3.1 document with info, servers and security schemes', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info?.title).toBe('string');
    expect(typeof doc.info?.version).toBe('string');
    expect(doc.servers?.[0]?.url).toMatch(/\/api$/);
    expect(doc.components?.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      cookieAuth: { type: 'apiKey', in: 'cookie', name: 'sb_session' },
    });
  });

  it('lists every endpoint', () => {
    const listed = new Set(operations.map((o) => `${o.method} ${o.path}`));
    expect(ENDPOINTS.filter((e) => !listed.has(e))).toEqual([]);
  });

  it('has well-formed paths and operations', () => {
    const ids = new Set<string>();
    for (const { method, path, op } of operations) {
      const where = `${method} ${path}`;
      expect(path, where).toMatch(/^\/[^?#]*$/);
      expect(Object.keys(op.responses ?? {}).length, `${where} has responses`).toBeGreaterThan(0);
      for (const [status, response] of Object.entries<Obj>(op.responses)) {
        expect(status, where).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
        expect(typeof (response.description ?? resolve(doc, response.$ref ?? '')), `${where} ${status} description`).not.toBe('undefined');
      }
      // Every {template} is declared as a required path parameter, and nothing else is.
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const params: Obj[] = op.parameters ?? [];
      const declared = params.filter((p) => p.in === 'path').map((p) => p.name).sort();
      expect(declared, `${where} path parameters`).toEqual(templated);
      for (const p of params) {
        expect(['path', 'query', 'header', 'cookie'], where).toContain(p.in);
        if (p.in === 'path') expect(p.required, `${where} ${p.name} required`).toBe(true);
      }
      const keys = params.map((p) => `${p.in}:${p.name}`);
      expect(new Set(keys).size, `${where} unique parameters`).toBe(keys.length);
      if (op.operationId) {
        expect(ids.has(op.operationId), `duplicate operationId ${op.operationId}`).toBe(false);
        ids.add(op.operationId);
      }
      for (const requirement of op.security ?? []) {
        for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes, where).toHaveProperty(scheme);
      }
      if (op.requestBody) expect(op.requestBody.content?.['application/json']?.schema, `${where} body schema`).toBeTruthy();
    }
  });

  it('resolves every $ref and uses 3.1 (JSON Schema) nullability', () => {
    const broken: string[] = [];
    const legacy: string[] = [];
    for (const [pointer, node] of walk(doc as Json)) {
      if (!node || typeof node !== 'object' || Array.isArray(node)) continue;
      if (typeof node.$ref === 'string' && resolve(doc, node.$ref) === undefined) broken.push(`${pointer} → ${node.$ref}`);
      if ('nullable' in node && pointer.includes('/schema')) legacy.push(pointer);
    }
    expect(broken).toEqual([]);
    expect(legacy).toEqual([]);
  });

  it('documents authentication on every endpoint except setup and sign-in', () => {
    const open = new Set(['get /setup', 'post /setup', 'post /session']);
    for (const { method, path, op } of operations) {
      const key = `${method} ${path}`;
      if (open.has(key)) continue;
      expect(op.security, `${key} security`).toEqual(expect.arrayContaining([{ bearerAuth: [] }, { cookieAuth: [] }]));
      expect(op.responses, `${key} 401`).toHaveProperty('401');
    }
  });
});
