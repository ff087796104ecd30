# SPDX-License-Identifier: GPL-2.0
"""Send HMP commands to a running QEMU through its QMP socket.

Qmp(path).hmp('device_add pci-testdev,bus=rp1,addr=0.0,membar=32') sends
one command through QMP's human-monitor-command.  HMP reports failure as
text ("Error: ..."), which counts as an error, as does a QMP error reply.
qemu.py writes one line per command to the boot's LOG.host:

  HOST <seconds> ok|error <command> [-> <HMP output or QMP error>]

Events that arrive meanwhile are kept (Qmp.events); wait_event() waits
for one, e.g. DEVICE_DELETED of a device_del.
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
        self.events = []
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
                return msg
            if 'event' in msg:
                self.events.append(msg)

    def wait_event(self, name, device=None, timeout=30.0):
        """The first event NAME (with data.device DEVICE) received, waiting
        at most TIMEOUT seconds; None if none came"""
        deadline = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e.get('event') == name and (
                        device is None or
                        e.get('data', {}).get('device') == device):
                    return self.events.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(min(left, 1.0))
            try:
                msg = self.recv()
            except socket.timeout:
                continue
            except (OSError, ValueError):
                return None
            finally:
                self.sock.settimeout(10.0)
            if 'event' in msg:
                self.events.append(msg)
