# SPDX-License-Identifier: GPL-2.0
"""Boot one guest in QEMU (TCG) and save its serial output.

boot() takes a kernel variant, a topology, the extra kernel command line
and the log path; the machine's facts come from machines.py.  The guest
(guest/init) prints its report between PCIALIGN-START and PCIALIGN-END
and powers off.  on_ready: HMP commands sent through QMP (qmp.py) once
the guest prints a line starting with PCIALIGN-READY; their output goes to
LOG.host.  Returns True when the end marker was seen.  The log ends with
"PCIALIGN-BOOT-SECONDS <s>"; LOG.cmd holds the QEMU command line.
"""

import os
import shlex
import subprocess
import tempfile
import threading
import time

from . import qmp, topologies

TIMEOUT = int(os.environ.get('TIMEOUT', '120'))


def command(mach, kernel, initrd, devices, append, smp=1, extra=()):
    """The QEMU command line for MACH."""
    cmd = [mach.qemu] + list(mach.qemu_args) + [
        '-m', '512M', '-smp', str(smp), '-nographic', '-no-reboot',
        '-nic', 'none', '-monitor', 'none', '-serial', 'stdio',
        '-kernel', kernel, '-initrd', initrd,
        '-append', ' '.join(x for x in ('console=%s panic=-1' % mach.console,
                                        append) if x)]
    for d in devices:
        cmd += ['-device', d]
    if topologies.has_root_ports(devices):
        cmd += list(mach.hotplug_args)
    return cmd + list(extra)


def _send(sock, cmds, out):
    start = time.monotonic()
    with open(out, 'a') as f:
        try:
            q = qmp.Qmp(sock)
        except (OSError, ValueError) as e:
            f.write('HOST %.2f error connect %s -> %s\nHOST-RC 2\n' % (
                time.monotonic() - start, sock, e))
            return
        ok = True
        for c in cmds:
            good, text = q.hmp(c)
            ok &= good
            f.write('HOST %.2f %s %s%s\n' % (
                time.monotonic() - start, 'ok' if good else 'error', c,
                ' -> ' + text.replace('\n', ' | ') if text else ''))
            f.flush()
        f.write('HOST-RC %d\n' % (0 if ok else 1))


def boot(variant, topology, append, log, initrd, on_ready=(), smp=1,
         timeout=None, extra=(), devices=None):
    mach = variant.mach
    timeout = timeout or TIMEOUT
    os.makedirs(os.path.dirname(log), exist_ok=True)
    devs = topologies.devices(topology) if devices is None else devices
    tmp = tempfile.mkdtemp(prefix='pcialign-qmp.') if on_ready else None
    qmp_args = ['-qmp', 'unix:%s/qmp.sock,server=on,wait=off' % tmp] \
        if tmp else []
    cmd = command(mach, variant.image, initrd, devs, append, smp,
                  list(extra) + qmp_args)
    with open(log + '.cmd', 'w') as f:
        f.write('QEMU %s\n' % ' '.join(shlex.quote(c) for c in cmd))
    if on_ready:
        open(log + '.host', 'w').close()
    start = time.monotonic()
    sender = None
    with open(log, 'wb') as out:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=subprocess.STDOUT)
        deadline = start + timeout
        ended = timed_out = False
        while p.poll() is None:
            with open(log, 'rb') as f:
                text = f.read()
            if on_ready and sender is None and b'\nPCIALIGN-READY' in text:
                sender = threading.Thread(target=_send, args=(
                    tmp + '/qmp.sock', list(on_ready), log + '.host'))
                sender.start()
            if b'\nPCIALIGN-END' in text:
                ended = True
                try:
                    p.wait(2)           # give poweroff a moment
                except subprocess.TimeoutExpired:
                    pass
                break
            if time.monotonic() > deadline:
                timed_out = True
                break
            time.sleep(0.2)
        if p.poll() is None:
            p.kill()
        p.wait()
    if sender:
        sender.join(30)
    if tmp:
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)
    secs = time.monotonic() - start
    with open(log, 'rb') as f:
        ended = ended or b'\nPCIALIGN-END' in f.read()
    with open(log, 'a') as f:
        if timed_out:
            f.write('PCIALIGN-TIMEOUT %ds\n' % timeout)
        f.write('PCIALIGN-BOOT-SECONDS %.1f\n' % secs)
    return ended, secs
