#!/usr/bin/env node
// The k8ts command. k8ts is TypeScript that Node 24 runs directly (type stripping), so this
// file only checks the Node version and hands over to src/cmd/k8ts.ts.
import module from 'node:module';
import { setTimeout } from 'node:timers';

// `process` is the global, not an ESM import of node:process: that namespace reads every lazy
// property (stdin, stdout, stderr, report, ...) and so opens streams a server or agent never uses.
/* global process */

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `error: k8ts needs Node.js 24 or later, but this is ${process.version}; ` +
      'inside the k8ts repository run `npm ci` and then `npx k8ts ...`, which uses the Node 24 the repository pins\n',
  );
  process.exit(1);
}
// Node's on-disk compile cache (in the OS temp directory; NODE_DISABLE_COMPILE_CACHE=1 turns it
// off) keeps the type-stripped, compiled modules: later runs skip the type stripper, start
// faster and use some 30 MB less memory, which adds up over a cluster's many k8ts processes.
module.enableCompileCache?.();
// Node writes that cache when the process exits, and a server or agent is often stopped with
// SIGKILL (`k8ts node kill`, crashes) and never exits: write what its start-up compiled. Modules
// loaded later are written at exit.
setTimeout(() => module.flushCompileCache?.(), 3000).unref();
await import('../src/cmd/k8ts.ts');
