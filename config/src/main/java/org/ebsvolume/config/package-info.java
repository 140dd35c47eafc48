/**
 * cinder.conf for ebs-volume, read exactly as the Python {@code cinder-volume} of Cinder 21.3.1
 * (Zed) on Debian 12 reads it with oslo.config 9.0, so that one file configures both.
 *
 * <h2>Use</h2>
 * <pre>
 * CommandLine cli = CommandLine.parse(args);          // --config-file, --config-dir, --log-file, ...
 * if (cli.helpRequested()) { System.out.print(CommandLine.usage()); return 0; }
 * CinderConfig config = CinderConfig.load(cli);       // throws InvalidConfigException
 * config.warnings().forEach(LOG::warn);
 * LOG.info("configuration:\n{}", config.describe());  // passwords masked
 * for (BackendConfig backend : config.backends()) { ... config.serviceHost(backend) ... }
 * </pre>
 * On {@link org.ebsvolume.config.InvalidConfigException}, {@link org.ebsvolume.config.ConfigMain}
 * prints every problem ("file:line: [section] key = 'value' is invalid: expected ...") and gives
 * the exit status (2).
 *
 * <h2>What is oslo's and what is ours</h2>
 * <ul>
 *   <li>{@link org.ebsvolume.config.OsloIniFiles}: oslo's INI syntax and the precedence of files
 *       (later files win, multi-valued options collect every value, sections match ignoring case
 *       except DEFAULT). {@code CommandLine} reproduces oslo's default file search for project
 *       "cinder" and program "cinder-volume" and its ordering of --config-file/--config-dir.</li>
 *   <li>Option values: command line, then {@code OS_<GROUP>__<OPTION>} environment variables,
 *       then files (with deprecated names), then defaults; {@code $name}, {@code ${name}},
 *       {@code $group.name} substitution with {@code $$} and {@code \$} escapes; oslo's
 *       conversions of booleans, integers, ports, lists, dicts, IP addresses and host names.
 *       Backend sections fall back to [backend_defaults] as Cinder's BackendGroupConfiguration
 *       makes them. {@code OsloParityTest} checks all of this against the real oslo.config.</li>
 *   <li>Stricter than Python, each because the service would otherwise fail later or misbehave:
 *       blank numbers (None to oslo), integers beyond 32 bits, port 0, non-address
 *       target_ip_address / backend_ip / secondary addresses, negative lvm_mirrors or
 *       volume_clear_size, max_over_subscription_ratio below 1 (Cinder checks that only when the
 *       driver starts), extra_capabilities that is not a JSON object, a database that is not
 *       MySQL/MariaDB, enabled_backends naming a missing or repeated section, an NVMe
 *       target_protocol with an iSCSI target_helper or the reverse.</li>
 *   <li>Names: {@code target_secondary_ip_addresses} is read, with Zed's
 *       {@code iscsi_secondary_ip_addresses} as its deprecated name (later Cinder releases
 *       renamed it the same way).</li>
 *   <li>The EBS driver's own options ({@code backend_id}, {@code backend_ip},
 *       {@code backend_port}, {@code replication_*}) and their defaults: see
 *       {@link org.ebsvolume.config.CinderConfig}.</li>
 *   <li>Not implemented: oslo's alternative configuration sources ({@code config_source}), the
 *       snap directories of the default search, argparse's abbreviated options, and the
 *       oslo.log options beyond debug, log_file, log_dir and use_stderr.</li>
 * </ul>
 */
package org.ebsvolume.config;
