import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { pickChannelProtocol, serveChannels, type ChannelEndpoints } from './channel-stream.ts';

describe('serveChannels', () => {
  let http: Server;
  let url: string;
  /** What the next accepted session is served with, and who learns when it is over. */
  let nextSession: { ends: ChannelEndpoints; served: (p: Promise<void>) => void } | undefined;

  before(async () => {
    const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => pickChannelProtocol(offered) ?? false });
    http = createServer((_req, res) => res.writeHead(400).end());
    http.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        const session = nextSession!;
        nextSession = undefined;
        session.served(serveChannels(ws, pickChannelProtocol([ws.protocol])!, session.ends));
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  });
  after(async () => {
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });

  it('drops stdin the client sends after closing it (v5), instead of writing after the end', async () => {
    const stdin = new PassThrough();
    let received = '';
    stdin.on('data', (d: Buffer) => (received += d.toString()));
    const served = new Promise<void>((resolve) => {
      nextSession = { ends: { stdin, done: new Promise(() => undefined), abort: () => undefined }, served: resolve };
    });
    const ws = new WebSocket(url, ['v5.channel.k8s.io']);
    await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
    ws.send(Buffer.from([0, ...Buffer.from('before')]));
    ws.send(Buffer.from([255, 0]));
    ws.send(Buffer.from([0, ...Buffer.from('after')]));
    ws.close();
    // Resolves once the session is over: the server handles every message before it sees the close.
    await served;
    assert.equal(received, 'before');
    assert.equal(stdin.writableEnded, true);
  });
});
