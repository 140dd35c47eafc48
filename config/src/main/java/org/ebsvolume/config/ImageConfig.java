package org.ebsvolume.config;

import java.util.List;
import java.util.Objects;

/**
 * What cinder.conf says about copying images between Glance and volumes ([DEFAULT] options).
 *
 * @param glanceApiServers   {@code glance_api_servers}: {@code [http[s]://]host:port} entries, in
 *                           order; empty when unset (Cinder would then ask the Keystone catalog)
 * @param glanceNumRetries   {@code glance_num_retries}: a Glance call is tried 1 + this many times
 *                           when Glance is unreachable (default 3, at least 0)
 * @param imageConversionDir {@code image_conversion_dir}: where images are downloaded and
 *                           converted (default {@code $state_path/conversion}, substituted)
 */
public record ImageConfig(List<String> glanceApiServers, int glanceNumRetries, String imageConversionDir) {

    public ImageConfig {
        glanceApiServers = List.copyOf(glanceApiServers);
        Objects.requireNonNull(imageConversionDir, "imageConversionDir");
    }
}
