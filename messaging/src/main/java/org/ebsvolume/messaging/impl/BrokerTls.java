package org.ebsvolume.messaging.impl;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import com.rabbitmq.client.ConnectionFactory;

import org.ebsvolume.messaging.transport.InvalidRabbitOptionException;
import org.ebsvolume.messaging.transport.RabbitOptions;
import org.ebsvolume.messaging.transport.TransportUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS to the broker configured from the {@code ssl*} options exactly as the Python services end up
 * configured: oslo's {@code _fetch_ssl_params()} hands kombu a dict, and py-amqp 5.1.1 (Debian 12)
 * builds the {@code ssl.SSLContext} from it. What that means for the broker certificate:
 *
 * <table>
 *   <caption>broker certificate checks</caption>
 *   <tr><th>ssl_ca_file</th><th>ssl_version</th><th>chain verified against</th><th>host name checked</th></tr>
 *   <tr><td>set</td><td>any</td><td>the certificates in ssl_ca_file only</td>
 *       <td>only with ssl_enforce_hostname_verification</td></tr>
 *   <tr><td>empty</td><td>empty</td><td>the system trust store (py-amqp's default
 *       {@code PROTOCOL_TLS_CLIENT} context requires a valid chain)</td><td>no</td></tr>
 *   <tr><td>empty</td><td>set</td><td>nothing: a fixed-version Python context defaults to
 *       {@code CERT_NONE}</td><td>no</td></tr>
 * </table>
 *
 * <p>So {@code ssl=true} alone does <em>not</em> accept any certificate (checked against the
 * Debian 12 libraries with a throwaway CA). ssl_cert_file is the client certificate chain, leaf
 * first; its key comes from ssl_key_file, or from ssl_cert_file itself when ssl_key_file is empty
 * (OpenSSL's {@code load_cert_chain(certfile)}). Note the broker port stays 5672 unless the
 * transport URL says otherwise, see {@link TransportUrl#effectiveHosts()}.
 */
public final class BrokerTls {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerTls.class);

    /** oslo's {@code Connection._SSL_PROTOCOLS} as present in Debian 12's Python (no SSLv2/SSLv3). */
    private static final Map<String, String> PROTOCOLS = Map.of(
            "tlsv1", "TLSv1",
            "tlsv1_1", "TLSv1.1",
            "tlsv1_2", "TLSv1.2",
            // PROTOCOL_SSLv23 is PROTOCOL_TLS: negotiate the highest version both sides have.
            "sslv23", "TLS");

    /** How the broker's certificate chain is checked. */
    enum Verification {
        /** Against the certificates of ssl_ca_file only. */
        CA_FILE,
        /** Against the JDK's default trust store (the system CAs on Debian). */
        SYSTEM_TRUST_STORE,
        /** Not at all; any certificate is accepted. */
        NONE
    }

    private final SSLContext sslContext;
    private final String protocol;
    private final Verification verification;
    private final boolean hostnameVerification;
    private final List<X509Certificate> clientCertificateChain;

    private BrokerTls(SSLContext sslContext, String protocol, Verification verification,
                      boolean hostnameVerification, List<X509Certificate> clientCertificateChain) {
        this.sslContext = sslContext;
        this.protocol = protocol;
        this.verification = verification;
        this.hostnameVerification = hostnameVerification;
        this.clientCertificateChain = List.copyOf(clientCertificateChain);
    }

    /**
     * Builds the TLS setup for {@code opts}, reading the certificate and key files now so that a
     * bad file stops the service at startup rather than at the first connection attempt.
     *
     * @throws IllegalArgumentException     if {@code opts.ssl()} is false
     * @throws InvalidRabbitOptionException naming the option and file when a file cannot be read
     *                                      or parsed, or when the JDK has disabled the ssl_version
     */
    static BrokerTls create(RabbitOptions opts) {
        if (!opts.ssl()) {
            throw new IllegalArgumentException("[oslo_messaging_rabbit] ssl is false; there is no TLS to set up");
        }
        // RabbitOptions has already refused an ssl_version oslo does not know, since ssl is on.
        String protocol = opts.sslVersion().isEmpty() ? "TLS" : jsseProtocol(opts.sslVersion());

        Verification verification;
        TrustManager[] trust;
        if (!opts.sslCaFile().isEmpty()) {
            verification = Verification.CA_FILE;
            trust = caFileTrust(opts.sslCaFile());
        } else if (opts.sslVersion().isEmpty()) {
            verification = Verification.SYSTEM_TRUST_STORE;
            trust = systemTrust();
        } else {
            verification = Verification.NONE;
            trust = new TrustManager[] {new AcceptAnyCertificate()};
        }
        boolean hostnameVerification = verification == Verification.CA_FILE && opts.sslEnforceHostnameVerification();

        List<X509Certificate> chain = List.of();
        KeyManager[] keys = null;
        if (!opts.sslCertFile().isEmpty()) {
            chain = PemFiles.certificates("ssl_cert_file", opts.sslCertFile());
            PrivateKey key = clientKey(opts, chain.get(0));
            keys = keyManagers(key, chain);
        } else if (!opts.sslKeyFile().isEmpty()) {
            // py-amqp loads a key only together with a certificate; say so instead of failing.
            LOG.warn("[oslo_messaging_rabbit] ssl_key_file is set but ssl_cert_file is not; no client"
                    + " certificate is sent (oslo.messaging ignores the key the same way)");
        }

        SSLContext context;
        try {
            context = SSLContext.getInstance(protocol);
            context.init(keys, trust, new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new InvalidRabbitOptionException("ssl_version", "[oslo_messaging_rabbit] ssl_version = '"
                    + opts.sslVersion() + "': the JDK cannot create a " + protocol + " context (" + e.getMessage() + ")", e);
        }
        if (context.getDefaultSSLParameters().getProtocols().length == 0) {
            throw new InvalidRabbitOptionException("ssl_version", "[oslo_messaging_rabbit] ssl_version = '"
                    + opts.sslVersion() + "' selects " + protocol + ", which this JDK has disabled"
                    + " (jdk.tls.disabledAlgorithms); use TLSv1_2, or leave ssl_version empty");
        }

        if (verification == Verification.NONE) {
            LOG.warn("TLS to the broker does NOT verify its certificate: ssl_version is set and ssl_ca_file"
                    + " is not (oslo.messaging on Debian 12 behaves the same); set ssl_ca_file to verify");
        }
        LOG.info("TLS to the broker: protocol {}, certificate check {}, host name check {}, client certificate {}",
                protocol, verification, hostnameVerification,
                chain.isEmpty() ? "none" : chain.get(0).getSubjectX500Principal().getName());
        return new BrokerTls(context, protocol, verification, hostnameVerification, chain);
    }

    /**
     * Switches {@code cf} to TLS when {@code opts.ssl()} is true, including host name
     * verification when {@link #hostnameVerification()} asks for it; does nothing otherwise.
     */
    static void apply(ConnectionFactory cf, RabbitOptions opts) {
        if (!opts.ssl()) {
            return;
        }
        BrokerTls tls = create(opts);
        cf.useSslProtocol(tls.sslContext());
        if (tls.hostnameVerification()) {
            cf.enableHostnameVerification();
        }
    }

    SSLContext sslContext() {
        return sslContext;
    }

    /** The JSSE protocol name the context was created for, e.g. "TLS" or "TLSv1.2". */
    String protocol() {
        return protocol;
    }

    Verification verification() {
        return verification;
    }

    /**
     * Whether the broker's host name must match its certificate: only when ssl_ca_file is set and
     * ssl_enforce_hostname_verification is true (the Debian backport of OSSN-0096).
     */
    boolean hostnameVerification() {
        return hostnameVerification;
    }

    /** The client certificate chain presented to the broker, leaf first; empty when none. */
    List<X509Certificate> clientCertificateChain() {
        return clientCertificateChain;
    }

    /** The JSSE protocol for an oslo ssl_version (case-insensitive), or null if oslo refuses it. */
    public static String jsseProtocol(String sslVersion) {
        return PROTOCOLS.get(sslVersion.toLowerCase(Locale.ROOT));
    }

    private static PrivateKey clientKey(RabbitOptions opts, X509Certificate leaf) {
        String keyOption = opts.sslKeyFile().isEmpty() ? "ssl_cert_file" : "ssl_key_file";
        String keyFile = opts.sslKeyFile().isEmpty() ? opts.sslCertFile() : opts.sslKeyFile();
        if (opts.sslKeyFile().isEmpty() && !PemFiles.containsPrivateKey(keyOption, keyFile)) {
            throw PemFiles.bad("ssl_cert_file", keyFile, "ssl_key_file is empty, so the private key must be"
                    + " in this file too, and it is not; set ssl_key_file", null);
        }
        PrivateKey key = PemFiles.privateKey(keyOption, keyFile);
        if (!belongTogether(key, leaf)) {
            throw new InvalidRabbitOptionException(keyOption, "[oslo_messaging_rabbit] " + keyOption + " = "
                    + keyFile + ": the private key does not belong to the first certificate of ssl_cert_file = "
                    + opts.sslCertFile() + " (" + leaf.getSubjectX500Principal().getName() + ")");
        }
        return key;
    }

    /**
     * OpenSSL refuses a key that does not match the certificate (KEY_VALUES_MISMATCH); the JDK
     * would only notice during a handshake, so prove the pairing with a test signature.
     */
    private static boolean belongTogether(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            case "DSA" -> "SHA256withDSA";
            default -> null; // RSASSA-PSS needs parameters; let the handshake judge it
        };
        if (algorithm == null) {
            return true;
        }
        try {
            byte[] probe = "ebs-volume key/certificate pairing check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeyManager[] keyManagers(PrivateKey key, List<X509Certificate> chain) {
        // The key store lives only in memory, so its password protects nothing; JSSE just needs one.
        char[] password = "in-memory".toCharArray();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", key, password, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new InvalidRabbitOptionException("ssl_cert_file", "[oslo_messaging_rabbit] ssl_cert_file: the JDK"
                    + " refuses the client certificate and key (" + e.getMessage() + ")", e);
        }
    }

    private static TrustManager[] caFileTrust(String caFile) {
        List<X509Certificate> cas = PemFiles.certificates("ssl_ca_file", caFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw PemFiles.bad("ssl_ca_file", caFile, "the JDK refuses these CA certificates (" + e.getMessage() + ")", e);
        }
    }

    private static TrustManager[] systemTrust() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's default trust store cannot be loaded", e);
        }
    }

    /**
     * Python's {@code CERT_NONE}. An extended trust manager, so that JSSE does not wrap it with
     * its own algorithm and identity checks, which OpenSSL would not make either.
     */
    private static final class AcceptAnyCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
