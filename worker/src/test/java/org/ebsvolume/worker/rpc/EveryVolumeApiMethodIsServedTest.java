package org.ebsvolume.worker.rpc;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Compares the served methods with every method Cinder's own VolumeAPI client sends (python3-cinder). */
class EveryVolumeApiMethodIsServedTest {

    @Test
    void everyMethodCindersVolumeApiSendsIsRegistered() throws Exception {
        String script = "import re, cinder.volume.rpcapi as r\n"
                + "src = open(r.__file__).read()\n"
                + "names = set(re.findall(r\"\\.(?:cast|call)\\(\\s*(?:ctxt|context),\\s*'(\\w+)'\", src))\n"
                + "names |= set(re.findall(r\"method = '(\\w+)'\", src))\n"
                + "print(r.VolumeAPI.RPC_API_VERSION)\n"
                + "print(' '.join(sorted(names)))\n";
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("python3-cinder must be installed (scripts/test installs it):\n" + out).isZero();
        String[] lines = out.strip().split("\n");
        assertThat(lines[0]).isEqualTo(VolumeRpcEndpoint.VERSION);
        List<String> cinderMethods = Arrays.asList(lines[1].split(" "));
        assertThat(cinderMethods).hasSizeGreaterThan(40);

        BackendContext none = BackendContext.builder("b").build();
        assertThat(new TreeSet<>(VolumeRpcEndpoint.methodNames(none))).containsAll(cinderMethods);
    }
}
