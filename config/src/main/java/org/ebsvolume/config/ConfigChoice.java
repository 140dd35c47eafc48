package org.ebsvolume.config;

/**
 * A value of an option whose values are a closed set (oslo's {@code types.String(choices=...)}),
 * implemented by the enums of those options. {@link OsloTypes#choices(Class)} reads them, so
 * every such option is parsed, and refused, the same way.
 */
interface ConfigChoice {

    /** The value as cinder.conf spells it. */
    String configName();
}
