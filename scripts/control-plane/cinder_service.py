#!/usr/bin/python3
"""Run one of Debian 12's Cinder services with its own main(), plus one runtime fix.

    /usr/bin/python3 cinder_service.py {cinder-api|cinder-scheduler|cinder-volume} ARGS...

Used by scripts/control-plane.sh. It imports the service's module (cinder.cmd.api,
cinder.cmd.scheduler, cinder.cmd.volume, all shipped in python3-cinder), so the
cinder-volume package is not needed for --with-python-volume.

The fix (Debian 12 only): python3-oslo.messaging 14.0.3 sanitises the request context
before every notification with ``ctxt.__class__.from_dict(<safe keys>)``; cinder
2:21.3.1's RequestContext.from_dict() then passes ``read_deleted=None`` and raises
``ValueError: read_deleted can only be one of 'no', 'yes' or 'only', not None``.
Seen as: ``cinder type-key <type> set k=v`` answers HTTP 500 after storing the key,
the scheduler's failure notifications raise, and with notifications enabled every
volume create in a Python cinder-volume ends in 'error'. The fix makes from_dict
default read_deleted to 'no' (RequestContext's own default) when the dict lacks it.
EBS_CINDER_FIX_NOTIFIER_CONTEXT=0 runs the services without it.
"""
import importlib
import os
import sys

MODULES = {
    "cinder-api": "cinder.cmd.api",
    "cinder-scheduler": "cinder.cmd.scheduler",
    "cinder-volume": "cinder.cmd.volume",
}


def patch_from_dict():
    from cinder import context

    original = context.RequestContext.from_dict.__func__

    def from_dict(cls, values):
        if values.get("read_deleted") is None:
            values = dict(values, read_deleted="no")
        return original(cls, values)

    context.RequestContext.from_dict = classmethod(from_dict)


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in MODULES:
        sys.stderr.write("usage: cinder_service.py {%s} [args...]\n" % "|".join(MODULES))
        return 2
    name = sys.argv[1]
    # oslo.config derives the program name from argv[0]: make it the real binary's.
    sys.argv = ["/usr/bin/" + name] + sys.argv[2:]
    # The service module first: it monkey-patches eventlet before anything else is
    # imported, exactly as /usr/bin/<name> does.
    module = importlib.import_module(MODULES[name])
    if os.environ.get("EBS_CINDER_FIX_NOTIFIER_CONTEXT", "1") != "0":
        patch_from_dict()
    return module.main()


if __name__ == "__main__":
    sys.exit(main())
