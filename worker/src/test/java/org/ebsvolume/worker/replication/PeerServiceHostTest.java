package org.ebsvolume.worker.replication;

import org.ebsvolume.config.BackendConfig;
import org.ebsvolume.config.CinderConfig;
import org.ebsvolume.config.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Cinder host a replication_device names, in each form an operator writes it: the plain
 * host ({@code hci-0002}), the service host the Python EBS driver's documentation uses
 * ({@code hci-0002@EBS}, which must not become {@code hci-0002@EBS@EBS}), and a {@code host} key.
 */
class PeerServiceHostTest {

    @TempDir
    Path dir;

    private List<String> peerHostsOf(String devices) throws Exception {
        Path conf = dir.resolve("cinder.conf");
        Files.writeString(conf, """
                [DEFAULT]
                host = hci-0001
                my_ip = 10.0.10.21
                transport_url = rabbit://guest:guest@127.0.0.1:5672/
                enabled_backends = EBS
                [database]
                connection = mysql+pymysql://cinder:pw@127.0.0.1/cinder
                [EBS]
                volume_driver = cinder.volume.drivers.ovt.ebs.EBSVolumeDriver
                backend_id = hci-0001@EBS
                """ + devices);
        CinderConfig config = CinderConfig.load(CommandLine.parse(new String[] {"--config-file", conf.toString()}));
        BackendConfig backend = config.backends().get(0);
        return backend.replication().devices().stream().map(d -> BackendReplication.peerServiceHost(d, backend)).toList();
    }

    @Test
    void aBackendIdThatIsAServiceHostIsThePeersHostAsItIs() throws Exception {
        assertThat(peerHostsOf("replication_device = backend_id:hci-0002@EBS,ip:10.0.10.22,port:7000,volume_group:volumes\n"))
                .containsExactly("hci-0002@EBS");
    }

    @Test
    void aPlainBackendIdGetsThisBackendsSectionName() throws Exception {
        assertThat(peerHostsOf("replication_device = backend_id:hci-0002,ip:10.0.10.22\n")).containsExactly("hci-0002@EBS");
    }

    @Test
    void aHostKeyOverridesTheBackendId() throws Exception {
        assertThat(peerHostsOf("replication_device = backend_id:peer-b,ip:10.0.10.22,host:hci-0002\n"
                + "replication_device = backend_id:peer-c,ip:10.0.10.23,host:hci-0003@other\n"))
                .containsExactly("hci-0002@EBS", "hci-0003@other");
    }
}
