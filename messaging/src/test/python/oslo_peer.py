#!/usr/bin/python3
"""A real oslo.messaging peer, remote-controlled over stdin/stdout by Java tests.

Run it with Debian's interpreter (/usr/bin/python3) so that it uses Debian 12's
python3-oslo.messaging 14.0.3, kombu 5.2.4 and py-amqp 5.1.1 -- the very
libraries cinder-api / cinder-scheduler use.  Interop proven against this peer
is interop with the real thing, not with a re-implementation.

Protocol (one JSON object per line in both directions):

* The first stdout line is ``{"ready": true, ...}`` once the transports exist
  and the broker answered a test connection, or ``{"ready": false, "error":
  {...}}`` followed by exit status 3 when start-up failed.
* Every command carries an ``"id"``; exactly one response line with the same
  id is written per command: ``{"id": .., "ok": true, ...}`` or
  ``{"id": .., "ok": false, "error": {...}}``.  Commands run concurrently (one
  thread each), so responses may come out of order -- match them by id.
* stdout carries nothing but protocol lines: file descriptor 1 is re-pointed
  at stderr at start-up so that stray prints and library output cannot corrupt
  the stream.  Logs go to stderr.
* End of input behaves like ``{"op": "quit"}`` so a crashed test JVM never
  leaves peers behind.

Operations: call, cast, fanout, calls, serve, received, stop_server,
listen_notifications, notifications, stop_listener, notify, raw_publish,
raw_get, raw_declare_queue, raw_delete_queue, get_option, ping, quit.  See
``Peer`` below for the fields each one takes.
"""

import argparse
import base64
import datetime
import decimal
import importlib.metadata
import json
import logging
import os
import sys
import threading
import time
import traceback
import uuid

# The endpoint raises exceptions from a module of its own that the client side
# must be able to import (see ebs_test_exceptions.py).  No __pycache__ in the
# source tree for it.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import amqp  # noqa: E402  (py-amqp, the library kombu drives underneath oslo)
from oslo_config import cfg  # noqa: E402
import oslo_messaging  # noqa: E402
from oslo_messaging import opts as oslo_opts  # noqa: E402

import ebs_test_exceptions  # noqa: E402

LOG = logging.getLogger('oslo_peer')

# What the Java code under test may legitimately raise remotely: Cinder's
# exception module (what cinder-api allows) and this peer's own test module.
ALLOWED_EXMODS = ['cinder.exception', 'ebs_test_exceptions']

# How long stop()/wait() of a server or listener may take before we give up
# and report an error instead of hanging the command.
STOP_TIMEOUT_S = 15.0

# quit must finish well inside the 10 s the Java driver grants before it
# destroys the process: servers get this long in total, each transport
# cleanup QUIT_CLEANUP_TIMEOUT_S.
QUIT_STOP_TIMEOUT_S = 6.0
QUIT_CLEANUP_TIMEOUT_S = 1.5

# Socket-level bound for the raw py-amqp helpers so none of them can block
# forever on a broker that stopped answering.
RAW_TIMEOUT_S = 15.0


class BadCommand(ValueError):
    """A command is malformed (missing/invalid field, unknown op or id)."""


# --------------------------------------------------------------------------
# JSON helpers
# --------------------------------------------------------------------------

def _json_default(obj):
    """Make anything a library hands us printable instead of crashing the reply."""
    if isinstance(obj, (datetime.datetime, datetime.date, datetime.time)):
        return obj.isoformat()
    if isinstance(obj, (bytes, bytearray, memoryview)):
        raw = bytes(obj)
        try:
            return raw.decode('utf-8')
        except UnicodeDecodeError:
            return {'base64': base64.b64encode(raw).decode('ascii')}
    if isinstance(obj, decimal.Decimal):
        return str(obj)
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    if isinstance(obj, uuid.UUID):
        return str(obj)
    if hasattr(obj, 'to_dict'):
        try:
            return obj.to_dict()
        except Exception:  # fall through to repr: never fail a response
            pass
    return repr(obj)


def _dumps(obj):
    # ensure_ascii keeps the stream pure ASCII whatever the locale says.
    return json.dumps(obj, default=_json_default, ensure_ascii=True)


def describe_exception(exc):
    """Report an exception faithfully, as the Python caller would see it.

    ``type``/``module`` are the exact class oslo handed us.  A failure rebuilt
    from an allowed module is re-typed by oslo to ``<Name>_Remote`` in module
    ``<module>_Remote`` (a subclass of the real class), so ``original_type``/
    ``original_module`` strip that suffix and ``mro`` lists every class so a
    test can assert "is an ebs_test_exceptions.PeerFailure".
    """
    klass = type(exc)
    try:
        full = str(exc)
    except Exception as str_error:  # a broken __str__ must not kill the peer
        full = '<str() failed: %r>' % (str_error,)
    first_line = full.split('\n', 1)[0]
    name, module = klass.__name__, klass.__module__
    remote_suffix = '_Remote'
    described = {
        'type': name,
        'module': module,
        'message': first_line,
        'full': full,
        'remote': name.endswith(remote_suffix),
        'original_type': name[:-len(remote_suffix)] if name.endswith(remote_suffix) else name,
        'original_module': (module[:-len(remote_suffix)]
                            if module.endswith(remote_suffix) else module),
        'mro': ['%s.%s' % (k.__module__, k.__name__) for k in klass.__mro__
                if k is not object],
        'args': _json_safe(getattr(exc, 'args', [])),
        'kwargs': _json_safe(getattr(exc, 'kwargs', None) or {}),
        'traceback': ''.join(traceback.format_exception(klass, exc, exc.__traceback__)),
    }
    if isinstance(exc, oslo_messaging.RemoteError):
        # RemoteError carries the remote class name, message and traceback.
        described['exc_type'] = exc.exc_type
        described['value'] = exc.value
        described['remote_traceback'] = exc.traceback
    return described


def _json_safe(value):
    """Round-trip through JSON so odd objects become their printable form."""
    return json.loads(_dumps(value))


# --------------------------------------------------------------------------
# Endpoints
# --------------------------------------------------------------------------

class TestEndpoint(object):
    """RPC endpoint served by ``serve``; its target carries the served version."""

    def __init__(self, version, namespace, tag, server_id):
        self.target = oslo_messaging.Target(version=version, namespace=namespace)
        self._tag = tag
        self._server_id = server_id
        self._lock = threading.Lock()
        self._records = []

    def echo(self, ctxt, **kw):
        # {"value": x} echoes x itself so scalars/lists/None can be round-tripped.
        if set(kw) == {'value'}:
            return kw['value']
        return kw

    def context(self, ctxt):
        return ctxt

    def fail(self, ctxt, message):
        raise ebs_test_exceptions.PeerFailure(message)

    def fail_coded(self, ctxt, message, **kwargs):
        raise ebs_test_exceptions.CodedFailure(message, **kwargs)

    def fail_builtin(self, ctxt, message):
        # builtins are always rebuilt by oslo, whatever allowed_remote_exmods says.
        raise ValueError(message)

    def sleep(self, ctxt, seconds):
        time.sleep(float(seconds))
        return seconds

    def record(self, ctxt, **kw):
        with self._lock:
            self._records.append({'args': kw, 'context': ctxt})

    def whoami(self, ctxt):
        return {'server_id': self._server_id, 'tag': self._tag}

    def records(self):
        with self._lock:
            return list(self._records)


class NotificationRecorder(object):
    """Notification endpoint that keeps everything it gets, for every priority."""

    def __init__(self):
        self._lock = threading.Lock()
        self._records = []

    def _record(self, priority, ctxt, publisher_id, event_type, payload, metadata):
        with self._lock:
            self._records.append({
                'priority': priority,
                'ctxt': ctxt,
                'publisher_id': publisher_id,
                'event_type': event_type,
                'payload': payload,
                'metadata': metadata,
            })
        # None means "handled": the message is acked.
        return None

    def audit(self, ctxt, publisher_id, event_type, payload, metadata):
        return self._record('audit', ctxt, publisher_id, event_type, payload, metadata)

    def debug(self, ctxt, publisher_id, event_type, payload, metadata):
        return self._record('debug', ctxt, publisher_id, event_type, payload, metadata)

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        return self._record('info', ctxt, publisher_id, event_type, payload, metadata)

    def warn(self, ctxt, publisher_id, event_type, payload, metadata):
        return self._record('warn', ctxt, publisher_id, event_type, payload, metadata)

    def error(self, ctxt, publisher_id, event_type, payload, metadata):
        return self._record('error', ctxt, publisher_id, event_type, payload, metadata)

    def critical(self, ctxt, publisher_id, event_type, payload, metadata):
        return self._record('critical', ctxt, publisher_id, event_type, payload, metadata)

    def sample(self, ctxt, publisher_id, event_type, payload, metadata):
        return self._record('sample', ctxt, publisher_id, event_type, payload, metadata)

    def records(self):
        with self._lock:
            return list(self._records)


# --------------------------------------------------------------------------
# The peer
# --------------------------------------------------------------------------

def _require(cmd, key):
    if key not in cmd or cmd[key] is None:
        raise BadCommand('field %r is required for op %r' % (key, cmd.get('op')))
    return cmd[key]


def _dict_field(cmd, key):
    value = cmd.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadCommand('field %r must be a JSON object, got %r' % (key, value))
    return value


def _run_bounded(func, timeout, what):
    """Run a possibly-blocking oslo call with a deadline so no command hangs."""
    outcome = {}

    def runner():
        try:
            func()
        except BaseException as exc:  # reported to the caller below
            outcome['error'] = exc

    worker = threading.Thread(target=runner, name='bounded-' + what, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError('%s did not finish within %.0f s' % (what, timeout))
    if 'error' in outcome:
        raise outcome['error']


class Peer(object):

    def __init__(self, conf, url, emit):
        self._conf = conf
        self._url = url
        self._emit = emit
        # Exactly the way Cinder builds its transports (cinder/rpc.py init).
        self._rpc_transport = oslo_messaging.get_rpc_transport(
            conf, url=url, allowed_remote_exmods=ALLOWED_EXMODS)
        self._notification_transport = oslo_messaging.get_notification_transport(
            conf, url=url, allowed_remote_exmods=ALLOWED_EXMODS)
        self._parsed_url = oslo_messaging.TransportURL.parse(conf, url)
        self._lock = threading.Lock()
        self._servers = {}     # server_id -> (RPCServer, TestEndpoint)
        self._listeners = {}   # listener_id -> (NotificationServer, NotificationRecorder)
        self._next_id = 0
        self._quitting = threading.Event()

    # ---- plumbing --------------------------------------------------------

    def handle_line(self, line):
        """Parse one input line and answer it; never raises."""
        try:
            cmd = json.loads(line)
        except ValueError as exc:
            self._emit({'id': None, 'ok': False, 'error': describe_exception(
                BadCommand('input is not JSON: %s: %r' % (exc, line[:200])))})
            return
        if not isinstance(cmd, dict):
            self._emit({'id': None, 'ok': False, 'error': describe_exception(
                BadCommand('command must be a JSON object, got %r' % (cmd,)))})
            return
        op = cmd.get('op')
        if op == 'quit':
            # quit is handled on the reader thread: it is the last command.
            self.quit(cmd)
            return
        handler = getattr(self, 'op_' + op, None) if isinstance(op, str) else None
        if handler is None:
            self._emit({'id': cmd.get('id'), 'ok': False, 'error': describe_exception(
                BadCommand('unknown op %r' % (op,)))})
            return
        # One thread per command: a slow call (or a call blocked on a dead
        # broker) must not stop the peer from answering anything else.
        threading.Thread(target=self._run, args=(handler, cmd),
                         name='cmd-%s-%s' % (op, cmd.get('id')), daemon=True).start()

    def _run(self, handler, cmd):
        try:
            result = handler(cmd)
            response = {'id': cmd.get('id'), 'ok': True}
            response.update(result or {})
        except BaseException as exc:  # every failure becomes a response
            LOG.info('op %s (id %s) failed: %s: %s', cmd.get('op'), cmd.get('id'),
                     type(exc).__name__, str(exc).split('\n', 1)[0])
            response = {'id': cmd.get('id'), 'ok': False, 'error': describe_exception(exc)}
        self._emit(response)

    def _new_id(self, prefix):
        with self._lock:
            self._next_id += 1
            return '%s-%d' % (prefix, self._next_id)

    def _client(self, cmd, fanout=False):
        """An RPC client for the command's target, built the way oslo asks for."""
        target = oslo_messaging.Target(
            exchange=cmd.get('exchange'),
            topic=_require(cmd, 'topic'),
            server=cmd.get('server'),
            version=cmd.get('version'),
            namespace=cmd.get('namespace'),
            fanout=True if fanout else None)
        kwargs = {}
        for key in ('timeout', 'retry', 'version_cap', 'call_monitor_timeout'):
            if cmd.get(key) is not None:
                kwargs[key] = cmd[key]
        return oslo_messaging.get_rpc_client(self._rpc_transport, target, **kwargs)

    # ---- RPC client ------------------------------------------------------

    def op_call(self, cmd):
        """{"topic","server"?,"method","args"?,"version"?,"namespace"?,"exchange"?,
        "timeout"?,"retry"?,"call_monitor_timeout"?,"version_cap"?,"context"?}
        -> {"result": <return value>}; a raised exception -> ok=false."""
        client = self._client(cmd)
        result = client.call(_dict_field(cmd, 'context'), _require(cmd, 'method'),
                             **_dict_field(cmd, 'args'))
        return {'result': result}

    def op_cast(self, cmd):
        """Same fields as call (no timeout needed) -> {}."""
        client = self._client(cmd)
        client.cast(_dict_field(cmd, 'context'), _require(cmd, 'method'),
                    **_dict_field(cmd, 'args'))
        return {}

    def op_fanout(self, cmd):
        """prepare(fanout=True).cast: goes to exchange <topic>_fanout -> {}."""
        client = self._client(cmd).prepare(fanout=True)
        client.cast(_dict_field(cmd, 'context'), _require(cmd, 'method'),
                    **_dict_field(cmd, 'args'))
        return {}

    def op_calls(self, cmd):
        """Call fields plus "count" and "rate" (calls per second, 0 = back to back).

        The calls are sequential and paced: call i starts no earlier than
        start + i/rate, and a call that overran its slot delays the following
        ones instead of causing a catch-up burst.  Returns counts, per-call
        latencies of the successful calls (ms, time.perf_counter), error
        counts by class, one sample message per class and an "outcomes"
        timeline [start_offset_ms, latency_ms, error_class|null] per call.
        """
        count = int(_require(cmd, 'count'))
        rate = float(cmd.get('rate') or 0)
        if count < 0 or rate < 0:
            raise BadCommand('count and rate must be >= 0')
        method = _require(cmd, 'method')
        args = _dict_field(cmd, 'args')
        ctxt = _dict_field(cmd, 'context')
        client = self._client(cmd)
        interval = 1.0 / rate if rate > 0 else 0.0

        succeeded, failed = 0, 0
        latencies, outcomes = [], []
        errors, error_samples = {}, {}
        started = time.perf_counter()
        next_at = started
        for _ in range(count):
            if self._quitting.is_set():
                break
            now = time.perf_counter()
            if next_at > now:
                time.sleep(next_at - now)
            begin = time.perf_counter()
            error_class = None
            try:
                client.call(ctxt, method, **args)
                succeeded += 1
            except Exception as exc:
                failed += 1
                error_class = type(exc).__name__
                errors[error_class] = errors.get(error_class, 0) + 1
                error_samples.setdefault(error_class, str(exc).split('\n', 1)[0])
            end = time.perf_counter()
            latency_ms = (end - begin) * 1000.0
            if error_class is None:
                latencies.append(latency_ms)
            outcomes.append([round((begin - started) * 1000.0, 3),
                             round(latency_ms, 3), error_class])
            next_at = max(next_at + interval, end)
        return {
            'succeeded': succeeded,
            'failed': failed,
            'latencies_ms': latencies,
            'errors': errors,
            'error_samples': error_samples,
            'outcomes': outcomes,
            'elapsed_ms': (time.perf_counter() - started) * 1000.0,
        }

    # ---- RPC server ------------------------------------------------------

    def op_serve(self, cmd):
        """{"topic","server"?,"version"?("1.0"),"namespace"?,"exchange"?,"fanout_tag"?}
        -> {"server_id"}.  The queues are declared and bound before the
        response is written, so messages sent afterwards are not lost.
        Endpoint methods: echo, context, fail, fail_coded, fail_builtin,
        sleep, record, whoami."""
        server_id = self._new_id('server')
        topic = _require(cmd, 'topic')
        server_name = cmd.get('server') or 'peer-%s' % uuid.uuid4().hex[:8]
        endpoint = TestEndpoint(cmd.get('version') or '1.0', cmd.get('namespace'),
                                cmd.get('fanout_tag'), server_id)
        target = oslo_messaging.Target(exchange=cmd.get('exchange'), topic=topic,
                                       server=server_name)
        server = oslo_messaging.get_rpc_server(self._rpc_transport, target, [endpoint],
                                               executor='threading')
        server.start()
        with self._lock:
            self._servers[server_id] = (server, endpoint)
        LOG.info('%s serving topic=%s server=%s version=%s', server_id, topic,
                 server_name, endpoint.target.version)
        return {'server_id': server_id, 'server': server_name}

    def op_received(self, cmd):
        """{"server_id"} -> {"records": [kw, ...], "contexts": [ctxt, ...]}:
        what record() got, in arrival order (args and context side by side)."""
        _, endpoint = self._server(cmd)
        recs = endpoint.records()
        return {'records': [r['args'] for r in recs],
                'contexts': [r['context'] for r in recs]}

    def op_stop_server(self, cmd):
        """{"server_id"} -> {}: stop consuming and wait for in-flight calls."""
        server, _ = self._server(cmd)
        with self._lock:
            self._servers.pop(cmd['server_id'], None)
        _run_bounded(lambda: (server.stop(), server.wait()), STOP_TIMEOUT_S,
                     'stop of ' + cmd['server_id'])
        return {}

    def _server(self, cmd):
        server_id = _require(cmd, 'server_id')
        with self._lock:
            entry = self._servers.get(server_id)
        if entry is None:
            raise BadCommand('no such server_id %r' % (server_id,))
        return entry

    # ---- notifications ---------------------------------------------------

    def op_listen_notifications(self, cmd):
        """{"topics"?(["notifications"]),"pool"?,"exchange"?} -> {"listener_id"}."""
        topics = cmd.get('topics') or ['notifications']
        if not isinstance(topics, list):
            raise BadCommand('topics must be a list')
        listener_id = self._new_id('listener')
        recorder = NotificationRecorder()
        targets = [oslo_messaging.Target(topic=t, exchange=cmd.get('exchange'))
                   for t in topics]
        listener = oslo_messaging.get_notification_listener(
            self._notification_transport, targets, [recorder],
            executor='threading', pool=cmd.get('pool'))
        listener.start()
        with self._lock:
            self._listeners[listener_id] = (listener, recorder)
        return {'listener_id': listener_id}

    def op_notifications(self, cmd):
        """{"listener_id"} -> {"notifications": [{priority, ctxt, publisher_id,
        event_type, payload, metadata}, ...]} in arrival order."""
        _, recorder = self._listener(cmd)
        return {'notifications': recorder.records()}

    def op_stop_listener(self, cmd):
        listener, _ = self._listener(cmd)
        with self._lock:
            self._listeners.pop(cmd['listener_id'], None)
        _run_bounded(lambda: (listener.stop(), listener.wait()), STOP_TIMEOUT_S,
                     'stop of ' + cmd['listener_id'])
        return {}

    def _listener(self, cmd):
        listener_id = _require(cmd, 'listener_id')
        with self._lock:
            entry = self._listeners.get(listener_id)
        if entry is None:
            raise BadCommand('no such listener_id %r' % (listener_id,))
        return entry

    def op_notify(self, cmd):
        """{"publisher_id","event_type","priority"?("info"),"payload"?,"context"?,
        "topics"?(["notifications"]),"driver"?("messagingv2"),"retry"?} -> {}."""
        notifier = oslo_messaging.Notifier(
            self._notification_transport,
            publisher_id=_require(cmd, 'publisher_id'),
            driver=cmd.get('driver') or 'messagingv2',
            topics=cmd.get('topics') or ['notifications'],
            retry=cmd.get('retry'))
        priority = (cmd.get('priority') or 'info').lower()
        if priority not in ('audit', 'debug', 'info', 'warn', 'warning', 'error',
                            'critical', 'sample'):
            raise BadCommand('unknown notification priority %r' % (priority,))
        getattr(notifier, priority)(_dict_field(cmd, 'context'),
                                    _require(cmd, 'event_type'), cmd.get('payload'))
        return {}

    # ---- raw AMQP (py-amqp, no oslo in between) ---------------------------

    def _amqp_connection(self):
        """A fresh py-amqp connection to the first broker of the transport URL."""
        host = self._parsed_url.hosts[0] if self._parsed_url.hosts else None
        hostname = (host.hostname if host and host.hostname else 'localhost')
        if ':' in hostname:  # IPv6 literal
            hostname = '[%s]' % hostname
        port = host.port if host and host.port else 5672
        conn = amqp.Connection(
            host='%s:%d' % (hostname, port),
            userid=(host.username if host and host.username else 'guest'),
            password=(host.password if host and host.password else 'guest'),
            # kombu maps oslo's empty virtual host to '/'.
            virtual_host=self._parsed_url.virtual_host or '/',
            connect_timeout=RAW_TIMEOUT_S,
            read_timeout=RAW_TIMEOUT_S,
            write_timeout=RAW_TIMEOUT_S)
        conn.connect()
        return conn

    def op_raw_publish(self, cmd):
        """{"exchange"(""),"routing_key","body"|"body_b64","properties"?,"mandatory"?}
        -> {"returned": bool, "return": {...}|null}.  The body bytes are sent
        exactly as given ("body_b64" wins over "body", which is UTF-8 encoded);
        only the given properties are set ("headers" is an alias of
        "application_headers").  Publisher confirms make the publish
        synchronous; with "mandatory" an unroutable message is reported as
        returned."""
        if cmd.get('body_b64') is not None:
            body = base64.b64decode(cmd['body_b64'])
        elif cmd.get('body') is not None:
            body = cmd['body'].encode('utf-8')
        else:
            raise BadCommand('raw_publish needs body or body_b64')
        properties = dict(_dict_field(cmd, 'properties'))
        if 'headers' in properties:
            properties['application_headers'] = properties.pop('headers')
        returned = []
        with self._amqp_connection() as conn:
            channel = conn.channel()
            channel.events['basic_return'].add(
                lambda exc, exchange, routing_key, message: returned.append({
                    'reply_code': getattr(exc, 'reply_code', None),
                    'reply_text': str(exc), 'exchange': exchange,
                    'routing_key': routing_key}))
            # Waits for the broker's confirm (raises MessageNacked on a nack);
            # basic.return precedes basic.ack, so a return has been seen by then.
            channel.basic_publish_confirm(amqp.Message(body, **properties),
                                          exchange=cmd.get('exchange') or '',
                                          routing_key=_require(cmd, 'routing_key'),
                                          mandatory=bool(cmd.get('mandatory')),
                                          confirm_timeout=RAW_TIMEOUT_S)
        return {'returned': bool(returned), 'return': returned[0] if returned else None}

    def op_raw_get(self, cmd):
        """{"queue"} -> {"message": null | {"body": str, "body_b64": str,
        "properties": {...}, "delivery_info": {...}}} (basic.get, auto-ack)."""
        with self._amqp_connection() as conn:
            channel = conn.channel()
            msg = channel.basic_get(queue=_require(cmd, 'queue'), no_ack=True)
            if msg is None:
                return {'message': None}
            body = msg.body
            if isinstance(body, str):
                # py-amqp auto-decodes bodies that carry content_encoding;
                # encoding back with the same codec restores the exact bytes.
                body = body.encode(msg.properties.get('content_encoding') or 'utf-8')
            body = bytes(body)
            return {'message': {
                'body': body.decode('utf-8', errors='replace'),
                'body_b64': base64.b64encode(body).decode('ascii'),
                'properties': _json_safe(msg.properties),
                'delivery_info': _json_safe({k: v for k, v in msg.delivery_info.items()
                                             if k != 'delivery_tag'}),
            }}

    def op_raw_declare_queue(self, cmd):
        """{"queue","durable"?,"auto_delete"?,"exclusive"?,"arguments"?,
        "exchanges"?:[{"name","type","durable"?,"auto_delete"?}],
        "bindings"?:[{"exchange","routing_key"}]} -> {"queue","message_count"}.
        For capture queues that snoop on traffic from the Java side.  Note:
        a non-exclusive queue outlives the peer; delete it when done."""
        queue = _require(cmd, 'queue')
        with self._amqp_connection() as conn:
            channel = conn.channel()
            for exchange in cmd.get('exchanges') or []:
                channel.exchange_declare(_require(exchange, 'name'),
                                         _require(exchange, 'type'),
                                         durable=bool(exchange.get('durable')),
                                         auto_delete=bool(exchange.get('auto_delete')))
            name, message_count, _ = channel.queue_declare(
                queue, durable=bool(cmd.get('durable')),
                auto_delete=bool(cmd.get('auto_delete')),
                exclusive=bool(cmd.get('exclusive')),
                arguments=_dict_field(cmd, 'arguments') or None)
            for binding in cmd.get('bindings') or []:
                channel.queue_bind(name, exchange=_require(binding, 'exchange'),
                                   routing_key=binding.get('routing_key') or '')
        return {'queue': name, 'message_count': message_count}

    def op_raw_delete_queue(self, cmd):
        """{"queue"} -> {"message_count"} of the deleted queue."""
        with self._amqp_connection() as conn:
            channel = conn.channel()
            return {'message_count': channel.queue_delete(_require(cmd, 'queue'))}

    # ---- misc ------------------------------------------------------------

    def op_get_option(self, cmd):
        """{"group"?(DEFAULT),"name"} -> {"value"}: the effective oslo.config
        value, to check that --set/--exchange reached oslo."""
        group = cmd.get('group')
        name = _require(cmd, 'name')
        section = self._conf if group in (None, 'DEFAULT') else getattr(self._conf, group)
        return {'value': getattr(section, name)}

    def op_ping(self, cmd):
        return {'pid': os.getpid()}

    def quit(self, cmd):
        """Stop every server and listener (bounded), answer, then exit 0."""
        self._quitting.set()
        problems = []
        with self._lock:
            entries = list(self._servers.items()) + list(self._listeners.items())
            self._servers.clear()
            self._listeners.clear()
        # Stop everything in parallel so the whole quit stays under the bound.
        stoppers = []
        for entry_id, (server, _) in entries:
            server.stop()  # non-blocking: stops consuming at once
            worker = threading.Thread(target=server.wait, name='wait-' + entry_id,
                                      daemon=True)
            worker.start()
            stoppers.append((entry_id, worker))
        deadline = time.monotonic() + QUIT_STOP_TIMEOUT_S
        for entry_id, worker in stoppers:
            worker.join(max(0.0, deadline - time.monotonic()))
            if worker.is_alive():
                problems.append('%s did not stop in time' % entry_id)
        for transport in (self._rpc_transport, self._notification_transport):
            try:
                _run_bounded(transport.cleanup, QUIT_CLEANUP_TIMEOUT_S, 'transport cleanup')
            except Exception as exc:
                problems.append('transport cleanup: %s' % exc)
        if problems:
            LOG.warning('quit: %s', '; '.join(problems))
        if cmd is not None:
            self._emit({'id': cmd.get('id'), 'ok': True, 'problems': problems})


# --------------------------------------------------------------------------
# Start-up
# --------------------------------------------------------------------------

def build_conf(args):
    """The global cfg.CONF with every oslo.messaging option pre-registered.

    The global object, as in Cinder, because oslo registers some options
    (e.g. [oslo_messaging_metrics]) on cfg.CONF only and its client reads
    them from the transport's conf.  Registering the rest up front (the
    drivers would do it lazily) lets --set override any [oslo_messaging_*]
    option before the transport reads it; set_override converts the string
    through the option's own type.
    """
    conf = cfg.CONF
    for group, options in oslo_opts.list_opts():
        conf.register_opts(options, group=group)
    conf([], project='ebs_oslo_peer', default_config_files=[], default_config_dirs=[])
    if args.exchange:
        conf.set_override('control_exchange', args.exchange)
    for assignment in args.set or []:
        if '=' not in assignment:
            raise BadCommand('--set expects group.option=value, got %r' % assignment)
        key, value = assignment.split('=', 1)
        group, _, name = key.rpartition('.')
        conf.set_override(name, value, group=None if group in ('', 'DEFAULT') else group)
    return conf


def check_broker(peer):
    """Fail fast and loudly when the broker is unreachable.

    oslo retries connections forever, so without this a missing broker would
    show up as a test hanging until its timeout instead of a clear error.
    """
    with peer._amqp_connection() as conn:
        return conn.server_properties.get('version')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--url', required=True, help='oslo transport URL')
    parser.add_argument('--exchange', help='control_exchange (default openstack)')
    parser.add_argument('--set', action='append', metavar='GROUP.OPTION=VALUE',
                        help='override an oslo.config option (repeatable)')
    parser.add_argument('--debug', action='store_true', help='DEBUG logging on stderr')
    args = parser.parse_args()

    # Keep the real stdout for protocol lines only; anything else that writes
    # to fd 1 or sys.stdout (libraries, print) ends up on stderr instead.
    protocol_out = os.fdopen(os.dup(1), 'w', encoding='ascii', buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    sys.stdin.reconfigure(encoding='utf-8')

    logging.basicConfig(
        stream=sys.stderr, level=logging.DEBUG if args.debug else logging.INFO,
        format='%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s')

    out_lock = threading.Lock()

    def emit(obj):
        line = _dumps(obj)
        with out_lock:
            protocol_out.write(line + '\n')
            protocol_out.flush()

    try:
        conf = build_conf(args)
        peer = Peer(conf, args.url, emit)
        broker_version = check_broker(peer)
    except BaseException as exc:
        LOG.exception('start-up failed')
        emit({'ready': False, 'error': describe_exception(exc)})
        protocol_out.close()
        os._exit(3)

    emit({'ready': True, 'pid': os.getpid(),
          'oslo_messaging': importlib.metadata.version('oslo.messaging'),
          'python': sys.version.split()[0], 'broker_version': broker_version,
          'control_exchange': conf.control_exchange})

    while True:
        line = sys.stdin.readline()
        if not line:
            LOG.info('stdin closed: shutting down')
            peer.quit(None)
            break
        line = line.strip()
        if not line:
            continue
        peer.handle_line(line)
        if peer._quitting.is_set():
            break

    logging.shutdown()
    protocol_out.flush()
    # os._exit: oslo's pool/heartbeat threads are not daemons and may linger;
    # everything that matters was stopped and flushed above.
    os._exit(0)


if __name__ == '__main__':
    main()
