import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { ServiceAccountTokens, TOKEN_ISSUER } from './service-account-token.ts';

function keys(): { privateKeyPem: string; publicKeyPem: string } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  return { privateKeyPem: pair.privateKey, publicKeyPem: pair.publicKey };
}

const now = new Date('2024-05-01T12:00:00Z');
const subject = { namespace: 'default', name: 'robot', uid: 'sa-uid' };

describe('ServiceAccountTokens', () => {
  const tokens = new ServiceAccountTokens(keys());

  it('issues tokens it verifies back to their subject', () => {
    const { token, expiresAt } = tokens.issue(subject, [TOKEN_ISSUER], 3600, now);
    assert.equal(expiresAt.toISOString(), '2024-05-01T13:00:00.000Z');
    const claims = tokens.verify(token, new Date(now.getTime() + 1000));
    assert.deepEqual(claims, { ...subject, audiences: [TOKEN_ISSUER], expiresAt: expiresAt.getTime() / 1000 });
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    assert.equal(payload.sub, 'system:serviceaccount:default:robot');
    assert.equal(payload.iss, TOKEN_ISSUER);
  });

  it('carries the bound object', () => {
    const bound = { ...subject, boundObject: { kind: 'Pod' as const, name: 'web', uid: 'pod-uid' } };
    const { token } = tokens.issue(bound, [TOKEN_ISSUER], 3600, now);
    assert.deepEqual(tokens.verify(token, now)?.boundObject, bound.boundObject);
  });

  it('refuses expired tokens, other audiences, other keys and tampering', () => {
    const { token } = tokens.issue(subject, [TOKEN_ISSUER], 600, now);
    assert.equal(tokens.verify(token, new Date(now.getTime() + 601_000)), undefined, 'expired');
    const foreign = tokens.issue(subject, ['https://vault.example.com'], 600, now).token;
    assert.equal(tokens.verify(foreign, now), undefined, 'another audience');
    assert.ok(tokens.verify(foreign, now, 'https://vault.example.com'));
    assert.equal(new ServiceAccountTokens(keys()).verify(token, now), undefined, 'another key');
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
    assert.equal(tokens.verify(`${h}.${forged}.${s}`, now), undefined, 'tampered payload');
    assert.equal(tokens.verify('not-a-jwt', now), undefined);
    assert.equal(tokens.verify('a.b.c', now), undefined);
  });
});
