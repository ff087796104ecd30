# SPDX-License-Identifier: GPL-2.0
"""Boot one guest in QEMU (TCG) and save its serial output.

boot() takes a kernel variant, a topology, the extra kernel command line
and the log path; the machine's facts come from machines.py.  The guest
(guest/init) prints its report between PCIALIGN-START and PCIALIGN-END
and powers off.  on_ready: HMP commands sent through QMP (qmp.py) once
the guest prints a line starting with PCIALIGN-READY; their output goes to
LOG.host.  host_loop: HMP commands cycled after on_ready, whole cycles,
until the guest prints a line starting with PCIALIGN-HOST-STOP (or ends,
or host_loop_max cycles ran); besides HMP, "sleep S" and "wait-event
NAME[:DEVICE] [TIMEOUT]" (a QMP event, e.g. DEVICE_DELETED:hp1 after a
device_del); LOG.host ends with "HOST-LOOP iterations=N ok=N errors=N
stopped=marker|max|end" before HOST-RC.  Returns True when the end marker was seen.  The log ends with
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
        # an option of the topology itself ("-global ..."), or a device
        cmd += d.split(None, 1) if d.startswith('-') else ['-device', d]
    if topologies.has_root_ports(devices):
        cmd += list(mach.hotplug_args)
    return cmd + list(extra)


def _step(q, c):
    """(ok, output) of one command of a host loop"""
    w = c.split()
    if w and w[0] == 'sleep':
        time.sleep(float(w[1]))
        return True, ''
    if w and w[0] == 'wait-event':
        name, _, dev = w[1].partition(':')
        t0 = time.monotonic()
        e = q.wait_event(name, dev or None, float(w[2]) if len(w) > 2 else 30)
        return e is not None, '%s after %.1fs' % (
            'got' if e else 'no event', time.monotonic() - t0)
    q.events.clear()
    return q.hmp(c)


def _send(sock, cmds, out, loop=(), loop_max=0, stop=None):
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
        its = nok = nerr = 0
        why = 'max'
        while loop and its < loop_max:
            if stop.is_set():
                why = stop.why
                break
            for c in loop:
                good, text = _step(q, c)
                ok &= good
                nok += good
                nerr += not good
                f.write('HOST %.2f %s %s%s\n' % (
                    time.monotonic() - start, 'ok' if good else 'error', c,
                    ' -> ' + text.replace('\n', ' | ') if text else ''))
                f.flush()
            its += 1
        if loop:
            f.write('HOST-LOOP iterations=%d ok=%d errors=%d stopped=%s\n' % (
                its, nok, nerr, why))
        f.write('HOST-RC %d\n' % (0 if ok else 1))


class _Stop(threading.Event):
    why = ''

    def stop(self, why):
        if not self.is_set():
            self.why = why
            self.set()


def boot(variant, topology, append, log, initrd, on_ready=(), smp=1,
         timeout=None, extra=(), devices=None, host_loop=(),
         host_loop_max=50):
    mach = variant.mach
    timeout = timeout or TIMEOUT
    on_ready = tuple(on_ready) or (('info status',) if host_loop else ())
    stop = _Stop()
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
                    tmp + '/qmp.sock', list(on_ready), log + '.host',
                    tuple(host_loop), host_loop_max, stop))
                sender.start()
            if b'\nPCIALIGN-HOST-STOP' in text:
                stop.stop('marker')
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
        stop.stop('end')
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
