package org.ebsvolume.config;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the configuration depends on besides the files: the machine's name and address (the
 * defaults of {@code host} and {@code my_ip}), the environment variables oslo.config reads
 * ({@code OS_<GROUP>__<OPTION>}) and the home directory of the default config search. Tests
 * substitute their own.
 */
record MachineEnvironment(Supplier<String> hostname, Supplier<String> myIpv4, Map<String, String> variables,
                          Path home) {

    static MachineEnvironment system() {
        return new MachineEnvironment(MachineEnvironment::systemHostname, MachineEnvironment::systemIpv4,
                System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * Python's {@code socket.gethostname()}: the kernel's node name, not a DNS lookup (Java's
     * {@code InetAddress.getLocalHost().getHostName()} may resolve it to another name).
     */
    private static String systemHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException unknown) {
                return "localhost";
            }
        }
    }

    /**
     * oslo.utils' {@code netutils.get_my_ipv4()}: the source address the kernel would pick for a
     * packet to 192.0.2.0 (TEST-NET-1). Connecting a UDP socket only consults the routing
     * table; nothing is sent. Without a route, oslo falls back to the default gateway's
     * interface and then 127.0.0.1; without a route there is no such gateway either.
     */
    private static String systemIpv4() {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress("192.0.2.0", 80));
            InetAddress local = socket.getLocalAddress();
            if (local instanceof Inet4Address && !local.isAnyLocalAddress()) {
                return local.getHostAddress();
            }
        } catch (SocketException | IllegalArgumentException e) {
            // no route: fall through to oslo's last resort
        }
        return "127.0.0.1";
    }
}
