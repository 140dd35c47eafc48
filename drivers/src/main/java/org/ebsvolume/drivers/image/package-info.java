/**
 * Image &lt;-&gt; volume copies: Cinder's {@code copy_image_to_volume} and
 * {@code copy_volume_to_image} (cinder/image/image_utils.py fetch_to_raw and upload_volume,
 * cinder/image/glance.py) against the Glance v2 HTTP API, with {@code qemu-img}.
 *
 * <p>Entry point: {@link org.ebsvolume.drivers.image.ImageCopier}, built from
 * {@link org.ebsvolume.drivers.image.ImageTransferSettings} (cinder.conf's glance_api_servers,
 * glance_num_retries, image_conversion_dir) and a
 * {@link org.ebsvolume.drivers.command.CommandRunner} whose allow-list holds
 * {@link org.ebsvolume.drivers.image.ImageCopier#REQUIRED_BINARIES}. The volume must be attached
 * to this host (a device path) for the duration of a copy. Failures are
 * {@link org.ebsvolume.drivers.image.ImageTransferException}s named for Cinder's exceptions
 * (ImageNotFound, ImageUnacceptable, ImageCopyFailure, GlanceConnectionFailed, ...).
 *
 * <p>The caller's token travels only in the {@code X-Auth-Token} header: no log line and no
 * exception message holds it.
 */
package org.ebsvolume.drivers.image;
