#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send HMP commands to a running QEMU through its QMP socket.

Usage: qmp.py SOCKET 'HMP COMMAND' ['HMP COMMAND' ...]

e.g.   qmp.py /tmp/q.sock 'device_add pci-testdev,bus=rp1,addr=0.0,membar=32'

Each command goes through QMP's human-monitor-command, in order.  Prints
one line per command:

  HOST <seconds> ok|error <command> [-> <HMP output or QMP error>]

HMP reports failure as text ("Error: ..."), which counts as an error, as
does a QMP error reply.  Exit status: 0 if every command succeeded, 1 if
any failed, 2 if the socket could not be used.
"""

import json
import socket
import sys
import time


class Qmp:
    def __init__(self, path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock.connect(path)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b''
        self.recv()                     # greeting
        self.call({'execute': 'qmp_capabilities'})

    def recv(self):
        while b'\n' not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise OSError('QMP socket closed')
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def call(self, cmd):
        self.sock.sendall(json.dumps(cmd).encode() + b'\n')
        while True:
            msg = self.recv()
            if 'return' in msg or 'error' in msg:
                return msg              # events are skipped


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    start = time.monotonic()
    try:
        qmp = Qmp(sys.argv[1])
    except (OSError, ValueError) as e:
        print('HOST %.2f error connect %s -> %s' % (
            time.monotonic() - start, sys.argv[1], e))
        return 2
    ok = True
    for cmd in sys.argv[2:]:
        try:
            r = qmp.call({'execute': 'human-monitor-command',
                          'arguments': {'command-line': cmd}})
        except (OSError, ValueError) as e:
            r = {'error': {'desc': str(e)}}
        if 'error' in r:
            good, out = False, r['error'].get('desc', str(r['error']))
        else:
            out = str(r['return']).strip()
            good = not out.lower().startswith('error')
        ok &= good
        print('HOST %.2f %s %s%s' % (time.monotonic() - start,
                                     'ok' if good else 'error', cmd,
                                     ' -> ' + out.replace('\n', ' | ')
                                     if out else ''), flush=True)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
