# SPDX-License-Identifier: GPL-2.0
"""Send HMP commands to a running QEMU through its QMP socket.

Qmp(path).hmp('device_add pci-testdev,bus=rp1,addr=0.0,membar=32') sends
one command through QMP's human-monitor-command.  HMP reports failure as
text ("Error: ..."), which counts as an error, as does a QMP error reply.
qemu.py writes one line per command to the boot's LOG.host:

  HOST <seconds> ok|error <command> [-> <HMP output or QMP error>]
"""

import json
import socket
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

    def hmp(self, command):
        """(ok, output) of one HMP command through human-monitor-command"""
        try:
            r = self.call({'execute': 'human-monitor-command',
                           'arguments': {'command-line': command}})
        except (OSError, ValueError) as e:
            r = {'error': {'desc': str(e)}}
        if 'error' in r:
            return False, r['error'].get('desc', str(r['error']))
        out = str(r['return']).strip()
        return not out.lower().startswith('error'), out

    def call(self, cmd):
        self.sock.sendall(json.dumps(cmd).encode() + b'\n')
        while True:
            msg = self.recv()
            if 'return' in msg or 'error' in msg:
                return msg              # events are skipped
