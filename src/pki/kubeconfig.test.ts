import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { buildKubeconfig, mergeKubeconfig, removeFromKubeconfig, type KubeconfigEntry } from './kubeconfig.ts';

const entry: KubeconfigEntry = {
  name: 'k8ts-dev',
  server: 'https://127.10.1.1:6443',
  caPem: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n',
  certPem: '-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n',
  keyPem: '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n',
};
const b64 = (s: string): string => Buffer.from(s).toString('base64');

const USER_CONFIG = `# my clusters
apiVersion: v1
kind: Config
clusters:
  - name: prod # keep this one
    cluster:
      server: https://prod.example:6443
  - name: k8ts-dev
    cluster:
      server: https://stale:1
users:
  - name: prod
    user:
      token: secret
contexts:
  - name: prod
    context: {cluster: prod, user: prod}
current-context: prod
preferences: {colors: true}
`;

type Named = { name: string; [k: string]: unknown };
interface Parsed {
  clusters: Named[];
  users: Named[];
  contexts: Named[];
  'current-context'?: string;
  [k: string]: unknown;
}

describe('buildKubeconfig', () => {
  it('writes one cluster, user and context with embedded credentials, the context current', () => {
    const doc = parse(buildKubeconfig(entry)) as Parsed;
    assert.equal(doc['current-context'], 'k8ts-dev');
    assert.deepEqual(doc.clusters, [{ name: 'k8ts-dev', cluster: { server: entry.server, 'certificate-authority-data': b64(entry.caPem) } }]);
    assert.deepEqual(doc.users, [{ name: 'k8ts-dev', user: { 'client-certificate-data': b64(entry.certPem), 'client-key-data': b64(entry.keyPem) } }]);
    assert.deepEqual(doc.contexts, [{ name: 'k8ts-dev', context: { cluster: 'k8ts-dev', user: 'k8ts-dev' } }]);
  });

  it('writes the same kubeconfig as JSON when asked', () => {
    const json = buildKubeconfig(entry, 'json');
    assert.deepEqual(JSON.parse(json), parse(buildKubeconfig(entry)));
  });
});

describe('mergeKubeconfig', () => {
  it('replaces same-named entries, keeps the others and comments, and makes the context current', () => {
    const text = mergeKubeconfig(USER_CONFIG, entry);
    assert.match(text, /# my clusters/);
    assert.match(text, /# keep this one/);
    const doc = parse(text) as Parsed;
    assert.deepEqual(
      doc.clusters.map((c) => c.name),
      ['prod', 'k8ts-dev'],
    );
    assert.equal((doc.clusters[1]?.cluster as { server: string }).server, entry.server);
    assert.deepEqual(
      doc.users.map((u) => u.name),
      ['prod', 'k8ts-dev'],
    );
    assert.deepEqual(
      doc.contexts.map((c) => c.name),
      ['prod', 'k8ts-dev'],
    );
    assert.equal(doc['current-context'], 'k8ts-dev');
    assert.deepEqual(doc.preferences, { colors: true });
  });

  it('is idempotent', () => {
    const once = mergeKubeconfig(USER_CONFIG, entry);
    assert.equal(mergeKubeconfig(once, entry), once);
  });

  it('starts a kubeconfig from nothing, an empty file, or the null lists kubectl writes', () => {
    for (const existing of [undefined, '', '# only a comment\n', 'apiVersion: v1\nkind: Config\nclusters: null\nusers: null\ncontexts: null\n', 'clusters: []\n']) {
      const doc = parse(mergeKubeconfig(existing, entry)) as Parsed;
      assert.equal(doc.apiVersion, 'v1');
      assert.equal(doc.kind, 'Config');
      assert.deepEqual(
        [doc.clusters.length, doc.users.length, doc.contexts.length],
        [1, 1, 1],
      );
      assert.equal(doc['current-context'], 'k8ts-dev');
    }
  });

  it('refuses text that is not a kubeconfig, saying why', () => {
    assert.throws(() => mergeKubeconfig('clusters: [unclosed\n', entry), /^Error: it is not valid YAML: [^\n]*line 2, column 1$/);
    assert.throws(() => mergeKubeconfig('- a\n- b\n', entry), /not a YAML mapping/);
    assert.throws(() => mergeKubeconfig('clusters: prod\n', entry), /"clusters" is not a list/);
  });
});

describe('removeFromKubeconfig', () => {
  it('removes only the named entries and unsets current-context when it named them', () => {
    const merged = mergeKubeconfig(USER_CONFIG, entry);
    const removed = removeFromKubeconfig(merged, 'k8ts-dev');
    assert.ok(removed !== undefined);
    const doc = parse(removed) as Parsed;
    assert.deepEqual(
      [doc.clusters, doc.users, doc.contexts].map((list) => list.map((e) => e.name)),
      [['prod'], ['prod'], ['prod']],
    );
    assert.equal(doc['current-context'], undefined);
    assert.match(removed, /# keep this one/);
  });

  it('keeps current-context when it names another context', () => {
    const doc = parse(removeFromKubeconfig(USER_CONFIG, 'k8ts-dev') ?? '') as Parsed;
    assert.equal(doc['current-context'], 'prod');
    assert.deepEqual(
      doc.clusters.map((c) => c.name),
      ['prod'],
    );
  });

  it('reports that nothing changed when the entries are absent', () => {
    assert.equal(removeFromKubeconfig('apiVersion: v1\nkind: Config\ncurrent-context: prod\n', 'k8ts-dev'), undefined);
  });
});
