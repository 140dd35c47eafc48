"""Reads config files with Debian's real oslo.config, registering options as Cinder 21.3.1
(Zed) registers them, and prints what the Python cinder-volume would see, as JSON.

Driven by org.ebsvolume.config.OsloParityTest: one JSON request on stdin, one JSON answer on
stdout. Must run under /usr/bin/python3 (python3-oslo.config, python3-oslo.messaging).

Requests:
  {"mode": "config", "args": [...], "backends": [...], "defaults": {"host": ..., "my_ip": ...}}
      -> every option ebs-volume reads, backend options through Cinder's backend_defaults
         fallback (cinder/volume/configuration.py)
  {"mode": "snippets", "files": [path, ...], "defaults": {...}}
      -> for each file alone: {"ok": true, "state_path": ...} or {"ok": false, "error": ...}
  {"mode": "types", "cases": [[type, text], ...]}
      -> for each: {"ok": true, "value": ...} or {"ok": false}
"""
import json
import sys

from oslo_config import cfg
from oslo_config import types
from oslo_messaging._drivers import amqp
from oslo_messaging._drivers import base
from oslo_messaging._drivers import impl_rabbit


def default_opts(defaults):
    return [
        cfg.StrOpt('host', default=defaults['host']),
        cfg.HostAddressOpt('my_ip', default=defaults['my_ip']),
        cfg.StrOpt('state_path', default='/var/lib/cinder'),
        cfg.StrOpt('storage_availability_zone', default='nova'),
        cfg.ListOpt('enabled_backends'),
        cfg.StrOpt('cluster'),
        cfg.StrOpt('backend_host'),
        cfg.IntOpt('report_interval', default=10),
        cfg.IntOpt('service_down_time', default=60),
        cfg.IntOpt('periodic_interval', default=60),
        cfg.IntOpt('periodic_fuzzy_delay', default=60),
        cfg.IntOpt('backend_stats_polling_interval', default=60, min=3),
        cfg.StrOpt('transport_url', default='rabbit://', secret=True),
        cfg.StrOpt('control_exchange', default='openstack'),
        cfg.IntOpt('rpc_response_timeout', default=60),
        cfg.BoolOpt('debug', default=False),
        cfg.StrOpt('log_file', deprecated_name='logfile'),
        cfg.StrOpt('log_dir', deprecated_name='logdir'),
        cfg.BoolOpt('use_stderr', default=False),
        cfg.ListOpt('glance_api_servers', default=None),
        cfg.IntOpt('glance_num_retries', min=0, default=3),
        cfg.StrOpt('image_conversion_dir', default='$state_path/conversion'),
    ]


def backend_opts():
    return [
        cfg.StrOpt('volume_driver', default='cinder.volume.drivers.lvm.LVMVolumeDriver'),
        cfg.StrOpt('volume_backend_name'),
        cfg.StrOpt('backend_availability_zone'),
        cfg.StrOpt('volume_group', default='cinder-volumes'),
        cfg.StrOpt('lvm_type', default='auto', choices=['default', 'thin', 'auto']),
        cfg.IntOpt('lvm_mirrors', default=0),
        cfg.StrOpt('target_helper', default='tgtadm',
                   choices=['tgtadm', 'lioadm', 'scstadmin', 'iscsictl', 'ietadm', 'nvmet', 'spdk-nvmeof', 'fake']),
        cfg.StrOpt('target_protocol', default='iscsi', choices=['iscsi', 'iser', 'nvmet_rdma', 'nvmet_tcp']),
        cfg.StrOpt('target_ip_address', default='$my_ip'),
        cfg.ListOpt('target_secondary_ip_addresses', default=[],
                    deprecated_name='iscsi_secondary_ip_addresses'),
        cfg.PortOpt('target_port', default=3260),
        cfg.StrOpt('target_prefix', default='iqn.2010-10.org.openstack:'),
        cfg.StrOpt('volume_clear', default='zero', choices=['none', 'zero']),
        cfg.IntOpt('volume_clear_size', default=0, max=1024),
        cfg.IntOpt('reserved_percentage', default=0, min=0, max=100),
        cfg.StrOpt('max_over_subscription_ratio', default='20.0', regex=r'^(auto|\d*\.\d+|\d+)$'),
        cfg.StrOpt('extra_capabilities', default='{}'),
        cfg.BoolOpt('use_chap_auth', default=False),
        cfg.StrOpt('chap_username', default=''),
        cfg.StrOpt('chap_password', default='', secret=True),
        cfg.MultiOpt('replication_device', item_type=types.Dict(), secret=True),
        cfg.StrOpt('backend_id'),
        cfg.StrOpt('backend_ip', default='$my_ip'),
        cfg.PortOpt('backend_port', default=8800),
        cfg.StrOpt('replication_mode', default='full-sync', choices=['async', 'semi-sync', 'full-sync']),
        cfg.StrOpt('replication_resync_rate', default='100M'),
        cfg.PortOpt('replication_starting_port', default=7789),
        cfg.BoolOpt('replication_auto_failback', default=False),
    ]


def notification_opts():
    return [
        cfg.MultiStrOpt('driver', default=[], deprecated_name='notification_driver', deprecated_group='DEFAULT'),
        cfg.StrOpt('transport_url', deprecated_name='notification_transport_url', deprecated_group='DEFAULT',
                   secret=True),
        cfg.ListOpt('topics', default=['notifications'],
                    deprecated_opts=[cfg.DeprecatedOpt('topics', group='rpc_notifier2'),
                                     cfg.DeprecatedOpt('notification_topics', group='DEFAULT')]),
        cfg.IntOpt('retry', default=-1),
    ]


def database_opts():
    return [
        cfg.StrOpt('connection', secret=True,
                   deprecated_opts=[cfg.DeprecatedOpt('sql_connection', group='DEFAULT'),
                                    cfg.DeprecatedOpt('sql_connection', group='DATABASE'),
                                    cfg.DeprecatedOpt('connection', group='sql')]),
        cfg.StrOpt('connection_parameters', default=''),
        cfg.StrOpt('mysql_sql_mode', default='TRADITIONAL'),
        cfg.IntOpt('max_pool_size', default=5),
        cfg.IntOpt('max_overflow', default=50,
                   deprecated_opts=[cfg.DeprecatedOpt('sql_max_overflow', group='DEFAULT'),
                                    cfg.DeprecatedOpt('sqlalchemy_max_overflow', group='DATABASE')]),
        cfg.IntOpt('pool_timeout', deprecated_opts=[cfg.DeprecatedOpt('sqlalchemy_pool_timeout', group='DATABASE')]),
        cfg.IntOpt('connection_recycle_time', default=3600),
        cfg.IntOpt('max_retries', default=10,
                   deprecated_opts=[cfg.DeprecatedOpt('sql_max_retries', group='DEFAULT'),
                                    cfg.DeprecatedOpt('sql_max_retries', group='DATABASE')]),
        cfg.IntOpt('retry_interval', default=10,
                   deprecated_opts=[cfg.DeprecatedOpt('sql_retry_interval', group='DEFAULT'),
                                    cfg.DeprecatedOpt('reconnect_interval', group='DATABASE')]),
    ]


def new_conf(defaults, backends):
    conf = cfg.ConfigOpts()
    conf.register_opts(default_opts(defaults))
    conf.register_opts(backend_opts(), group='backend_defaults')
    for backend in backends:
        # What cinder.volume.configuration.BackendGroupConfiguration does for each backend.
        conf.register_opts(backend_opts(), group=backend)
        for opt in backend_opts():
            conf.set_default(opt.name, None, group=backend)
        conf.register_opt(cfg.StrOpt('backend_host'), group=backend)
    conf.register_opts(notification_opts(), group='oslo_messaging_notifications')
    conf.register_opts(database_opts(), group='database')
    conf.register_opts(impl_rabbit.rabbit_opts + amqp.amqp_opts + base.base_opts, group='oslo_messaging_rabbit')
    return conf


def backend_value(conf, backend, name):
    value = getattr(conf[backend], name)
    if value is None:
        value = getattr(conf.backend_defaults, name)
    return value


def read_config(request):
    backends = request['backends']
    conf = new_conf(request['defaults'], backends)
    conf(args=request['args'], project='cinder', prog='cinder-volume',
         default_config_files=[], default_config_dirs=[])
    out = {'DEFAULT': {}, 'backends': {}, 'oslo_messaging_notifications': {}, 'database': {},
           'oslo_messaging_rabbit': {}}
    for opt in default_opts(request['defaults']):
        out['DEFAULT'][opt.dest] = getattr(conf, opt.dest)
    for backend in backends:
        values = {}
        for opt in backend_opts():
            values[opt.dest] = backend_value(conf, backend, opt.dest)
        values['backend_host'] = conf[backend].backend_host
        # Cinder's own reading of the two string options ebs-volume types further.
        values['extra_capabilities'] = json.loads(values['extra_capabilities'])
        ratio = values['max_over_subscription_ratio']
        values['max_over_subscription_ratio'] = ratio if ratio == 'auto' else repr(float(ratio))
        out['backends'][backend] = values
    for opt in notification_opts():
        out['oslo_messaging_notifications'][opt.dest] = getattr(conf.oslo_messaging_notifications, opt.dest)
    for opt in database_opts():
        out['database'][opt.dest] = getattr(conf.database, opt.dest)
    for opt in impl_rabbit.rabbit_opts + amqp.amqp_opts + base.base_opts:
        out['oslo_messaging_rabbit'][opt.dest] = getattr(conf.oslo_messaging_rabbit, opt.dest)
    return out


def read_snippets(request):
    results = []
    for path in request['files']:
        conf = new_conf(request['defaults'], [])
        try:
            conf(args=['--config-file', path], project='cinder', prog='cinder-volume',
                 default_config_files=[], default_config_dirs=[])
            results.append({'ok': True, 'state_path': conf.state_path})
        except Exception as e:  # the service would die on any of these
            results.append({'ok': False, 'error': '%s: %s' % (type(e).__name__, str(e)[:200])})
    return results


TYPES = {
    'boolean': types.Boolean(),
    'integer': types.Integer(),
    'port': types.Port(min=1),
    'ip': types.IPAddress(),
    'host_address': types.HostAddress(),
    'list': types.List(),
    'ip_list': types.List(item_type=types.IPAddress()),
    'dict': types.Dict(),
}


def convert_types(request):
    results = []
    for type_name, text in request['cases']:
        try:
            results.append({'ok': True, 'value': TYPES[type_name](text)})
        except ValueError:
            results.append({'ok': False})
    return results


def main():
    request = json.load(sys.stdin)
    mode = request['mode']
    if mode == 'config':
        answer = read_config(request)
    elif mode == 'snippets':
        answer = read_snippets(request)
    else:
        answer = convert_types(request)
    json.dump(answer, sys.stdout)


if __name__ == '__main__':
    main()
