"""Volume driver of the Python cinder-volume that `control-plane.sh start --with-python-volume`
runs for comparisons with the Java worker. It touches no storage.

It is Cinder's in-tree ``cinder.tests.fake_driver.FakeLoggingVolumeDriver`` (python3-cinder)
with the gaps filled that stop the real volume manager's flows on Debian 12 / cinder 2:21.3.1:

* extend: the in-tree FakeBrickLVM has no extend_volume (volume ends 'error_extending');
* manage: manage_existing_get_size raises TypeError;
* replication: the in-tree driver reports replication_enabled only per pool, so the manager
  marks the service replication 'disabled' and the API refuses failover-host; its
  failover_host is not implemented;
* it reports backend/pool 'fake' whatever volume_backend_name says.

Replication is enabled when the backend section has ``replication_device = backend_id:<id>``
lines (pass them with EBS_CINDER_BACKEND_CONF); a failover to an unknown target raises
InvalidReplicationTarget, as real drivers do.

Selected with ``volume_driver = ebs_fake_driver.FakeDriver`` in the Python volume's own
extra config file; control-plane.sh puts this folder on that process's PYTHONPATH.
"""
from cinder import exception
from cinder.objects import fields
from cinder.tests import fake_driver
from cinder.volume import volume_utils


class FakeDriver(fake_driver.FakeLoggingVolumeDriver):

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.backend_name = self.configuration.safe_get('volume_backend_name') or 'fake'

    def _targets(self):
        devices = self.configuration.safe_get('replication_device') or []
        return [d['backend_id'] for d in devices if d.get('backend_id')]

    def _update_volume_stats(self):
        super()._update_volume_stats()
        targets = self._targets()
        self._stats['replication_enabled'] = bool(targets)
        self._stats['replication_targets'] = targets
        for pool in self._stats['pools']:
            pool['replication_enabled'] = bool(targets)

    @volume_utils.trace_method
    def create_volume(self, volume):
        update = super().create_volume(volume) or {}
        if update.get('replication_status') == fields.ReplicationStatus.DISABLED:
            update['replication_status'] = fields.ReplicationStatus.ENABLED
        return update or None

    @volume_utils.trace_method
    def extend_volume(self, volume, new_size):
        pass

    @volume_utils.trace_method
    def manage_existing_get_size(self, volume, existing_ref):
        return volume.size or 1

    @volume_utils.trace_method
    def manage_existing(self, volume, existing_ref):
        return None

    @volume_utils.trace_method
    def failover_host(self, context, volumes, secondary_id=None, groups=None):
        targets = self._targets()
        failing_back = secondary_id == 'default'
        if not failing_back:
            if not targets:
                raise exception.InvalidReplicationTarget(reason='no replication_device configured')
            secondary_id = secondary_id or targets[0]
            if secondary_id not in targets:
                raise exception.InvalidReplicationTarget(
                    reason='%s is not one of %s' % (secondary_id, targets))
        status = (fields.ReplicationStatus.ENABLED if failing_back
                  else fields.ReplicationStatus.FAILED_OVER)
        updates = [{'volume_id': v.id, 'updates': {'replication_status': status}} for v in volumes]
        return (None if failing_back else secondary_id), updates, []
