/**
 * Preloaded into the language server by tests/security/no-spawn.test.ts (`node --require`): every
 * way to start a process, open a network connection, start a worker or load native code throws and
 * is reported; every file-system access is reported with its path, so the test can check that the
 * server reads only its own bundled files and the workspace's pyproject.toml, and writes nothing.
 * Reports go to stderr as lines `FRAMEWISE_SECURITY {"kind":…,"what":…,"path":…}`.
 */
'use strict';
const write = process.stderr.write.bind(process.stderr);
function report(kind, what, p) {
  try {
    write(`FRAMEWISE_SECURITY ${JSON.stringify({ kind, what, path: p === undefined ? undefined : String(p) })}\n`);
  } catch { /* never fail the caller because of the report */ }
}

function forbid(mod, name, names) {
  const m = require(mod);
  for (const n of names) {
    if (typeof m[n] !== 'function') continue;
    const original = m[n];
    const blocked = function () {
      report('forbidden', `${name}.${n}`, typeof arguments[0] === 'string' ? arguments[0] : undefined);
      throw new Error(`Framewise security test: ${name}.${n} is forbidden in the language server`);
    };
    Object.defineProperty(blocked, 'name', { value: original.name });
    m[n] = blocked;
  }
}

forbid('child_process', 'child_process', ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']);
forbid('net', 'net', ['connect', 'createConnection', 'createServer']);
forbid('tls', 'tls', ['connect', 'createServer']);
forbid('http', 'http', ['request', 'get', 'createServer']);
forbid('https', 'https', ['request', 'get', 'createServer']);
forbid('http2', 'http2', ['connect', 'createServer', 'createSecureServer']);
forbid('dgram', 'dgram', ['createSocket']);
forbid('dns', 'dns', ['lookup', 'resolve', 'resolve4', 'resolve6']);
{
  const net = require('net');
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function () {
    report('forbidden', 'net.Socket.connect');
    throw new Error('Framewise security test: net.Socket.connect is forbidden in the language server');
  };
  void connect;
}
{
  const wt = require('worker_threads');
  wt.Worker = class {
    constructor(file) {
      report('forbidden', 'worker_threads.Worker', typeof file === 'string' ? file : undefined);
      throw new Error('Framewise security test: worker threads are forbidden in the language server');
    }
  };
}
{
  const dlopen = process.dlopen;
  process.dlopen = function (_module, filename) {
    report('forbidden', 'process.dlopen', filename);
    throw new Error('Framewise security test: native addons are forbidden in the language server');
  };
  void dlopen;
}

// File system: report every access with its path (reads, probes and writes).
const fs = require('fs');
const READS = ['readFileSync', 'readFile', 'openSync', 'open', 'createReadStream', 'readdirSync', 'readdir', 'opendirSync', 'opendir'];
const PROBES = ['statSync', 'stat', 'lstatSync', 'lstat', 'existsSync', 'exists', 'accessSync', 'access', 'realpathSync', 'realpath'];
const WRITES = ['writeFileSync', 'writeFile', 'appendFileSync', 'appendFile', 'createWriteStream', 'mkdirSync', 'mkdir', 'rmSync', 'rm', 'rmdirSync', 'rmdir',
  'unlinkSync', 'unlink', 'renameSync', 'rename', 'copyFileSync', 'copyFile', 'cpSync', 'cp', 'symlinkSync', 'symlink', 'chmodSync', 'chmod', 'truncateSync', 'truncate', 'mkdtempSync', 'mkdtemp'];
function watch(target, names, kind, prefix) {
  for (const n of names) {
    const original = target[n];
    if (typeof original !== 'function') continue;
    const wrapped = function (p) {
      // Writes to the standard streams by descriptor are the LSP transport, not file access.
      if (typeof p !== 'number') report(kind, `${prefix}${n}`, p instanceof URL ? p.pathname : Buffer.isBuffer(p) ? p.toString() : p);
      return original.apply(this, arguments);
    };
    for (const k of Object.keys(original)) wrapped[k] = original[k];
    target[n] = wrapped;
  }
}
watch(fs, READS, 'read', 'fs.');
watch(fs, PROBES, 'probe', 'fs.');
watch(fs, WRITES, 'write', 'fs.');
watch(fs.promises, ['readFile', 'open', 'readdir', 'opendir'], 'read', 'fs.promises.');
watch(fs.promises, ['stat', 'lstat', 'access', 'realpath'], 'probe', 'fs.promises.');
watch(fs.promises, ['writeFile', 'appendFile', 'mkdir', 'rm', 'rmdir', 'unlink', 'rename', 'copyFile', 'cp', 'symlink', 'chmod', 'truncate', 'mkdtemp'], 'write', 'fs.promises.');
report('ready', 'preload');
