"""Exceptions raised by the oslo_peer.py test endpoint.

They live in their own importable module because oslo.messaging rebuilds a
remote failure on the client side only when the failure's module is listed in
``allowed_remote_exmods`` *and* can be imported there.  oslo_peer.py puts this
folder on ``sys.path`` and allows ``ebs_test_exceptions``, so a Python client
sees a real ``PeerFailure`` (re-typed by oslo as ``PeerFailure_Remote``, a
subclass of it) instead of a generic ``RemoteError``.
"""


class PeerFailure(Exception):
    """Plain exception with one positional message, like most Python errors."""


class CodedFailure(Exception):
    """Mimics ``cinder.exception.CinderException``'s shape.

    oslo serializes ``exc.kwargs`` next to ``args`` and the client rebuilds the
    exception as ``klass(*args, **kwargs)``; Cinder exceptions carry their
    format arguments plus ``code`` there.  Having one such class lets tests
    check that kwargs survive the round trip in both directions.
    """

    def __init__(self, message=None, **kwargs):
        self.kwargs = dict(kwargs)
        self.kwargs.setdefault('code', 500)
        super().__init__(message if message is not None else 'coded failure')
