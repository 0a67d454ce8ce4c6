/**
 * Throwaway TLS material for tests: a CA, a server certificate for 127.0.0.1/localhost and a
 * client certificate, all PEM. ECDSA P-256 keeps generation fast.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;

/** PEM material from generateTestCerts. */
export interface TestCerts {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END PRIVATE KEY-----\n`;
}

/**
 * Generates a CA plus server and client certificates signed by it.
 * @param clientCommonName the client certificate's CN (the user name the apiserver sees)
 * @param clientOrganizations its O values (the groups)
 */
export async function generateTestCerts(clientCommonName = 'test-admin', clientOrganizations: string[] = ['system:masters']): Promise<TestCerts> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 24 * 3600_000);
  const caKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=k8ts-test-ca',
    keys: caKeys,
    signingAlgorithm: alg,
    notBefore,
    notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });

  async function leaf(subject: string, usage: string, sans: x509.JsonGeneralNames | undefined) {
    const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([usage]),
    ];
    if (sans !== undefined) extensions.push(new x509.SubjectAlternativeNameExtension(sans));
    const cert = await x509.X509CertificateGenerator.create({
      subject,
      issuer: ca.subject,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: alg,
      notBefore,
      notAfter,
      extensions,
    });
    return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
  }

  const server = await leaf('CN=k8ts-test-apiserver', x509.ExtendedKeyUsage.serverAuth, [
    { type: 'ip', value: '127.0.0.1' },
    { type: 'dns', value: 'localhost' },
  ]);
  const orgs = clientOrganizations.map((o) => `, O=${o}`).join('');
  const client = await leaf(`CN=${clientCommonName}${orgs}`, x509.ExtendedKeyUsage.clientAuth, undefined);
  return {
    caPem: ca.toString('pem'),
    serverCertPem: server.certPem,
    serverKeyPem: server.keyPem,
    clientCertPem: client.certPem,
    clientKeyPem: client.keyPem,
  };
}
