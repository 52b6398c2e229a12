/**
 * Preloaded into a child process (`node --require`) to prove it works offline: every outgoing
 * connection to a host other than loopback, and every DNS lookup, is refused and reported on
 * stderr as `NETWORK ATTEMPT <target>`, so the test that ran the process can fail on it.
 */
const net = require('node:net');
const dns = require('node:dns');

const loopback = new Set(['127.0.0.1', '::1', 'localhost']);

function report(target) {
  process.stderr.write(`NETWORK ATTEMPT ${target}\n`);
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const options = typeof args[0] === 'object' && args[0] !== null ? args[0] : {};
  const host = options.host ?? (typeof args[1] === 'string' ? args[1] : undefined);
  const isPipe =
    options.path !== undefined || (typeof args[0] === 'string' && !/^\d+$/.test(args[0]));
  if (!isPipe && !loopback.has(host ?? 'localhost')) {
    report(`${host}:${options.port ?? args[0]}`);
    throw new Error(`Network access is not allowed here (${host})`);
  }
  return connect.apply(this, args);
};

for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) {
  const original = dns[name];
  dns[name] = function guardedLookup(hostname, ...rest) {
    if (!loopback.has(hostname)) report(`dns ${hostname}`);
    return original.call(this, hostname, ...rest);
  };
}

const originalFetch = globalThis.fetch;
if (originalFetch) {
  globalThis.fetch = async function guardedFetch(input, init) {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (!loopback.has(url.hostname)) {
      report(url.href);
      throw new TypeError(`Network access is not allowed here (${url.host})`);
    }
    return originalFetch(input, init);
  };
}
