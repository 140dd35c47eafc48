package org.ebsvolume.messaging.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.rabbitmq.client.ConnectionFactory;

import org.ebsvolume.messaging.transport.InvalidRabbitOptionException;
import org.ebsvolume.messaging.transport.RabbitOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerTlsTest {

    @TempDir
    static Path dir;
    static TestPki pki;
    static Path clientCert;
    static Path clientKey;
    static Path otherCert;

    @BeforeAll
    static void makePki() throws Exception {
        pki = TestPki.create(dir);
        Path[] client = pki.issueRsa("client", "client", null);
        clientCert = client[0];
        clientKey = client[1];
        otherCert = pki.issueRsa("other", "other", null)[0];
    }

    @Test
    void sslAloneVerifiesTheBrokerAgainstTheSystemTrustStore() {
        BrokerTls tls = BrokerTls.create(tlsOptions());

        assertThat(tls.verification()).isEqualTo(BrokerTls.Verification.SYSTEM_TRUST_STORE);
        assertThat(tls.hostnameVerification()).isFalse();
        assertThat(tls.sslContext()).isNotNull();
    }

    @Test
    void sslVersionWithoutCaFileDisablesVerification() {
        assertThat(BrokerTls.create(tlsOptions("ssl_version", "TLSv1_2")).verification())
                .isEqualTo(BrokerTls.Verification.NONE);
    }

    @Test
    void caFileReplacesTheSystemTrustStore() {
        assertThat(BrokerTls.create(tlsOptions("ssl_ca_file", pki.caCert.toString())).verification())
                .isEqualTo(BrokerTls.Verification.CA_FILE);
    }

    @Test
    void caBundleWithSeveralCertificatesAndCommentsIsRead() throws Exception {
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, "# test CA\n" + Files.readString(pki.caCert)
                + "subject=CN = other\n" + Files.readString(otherCert));

        assertThat(PemFiles.certificates("ssl_ca_file", bundle.toString())).hasSize(2);
        assertThat(BrokerTls.create(tlsOptions("ssl_ca_file", bundle.toString())).verification())
                .isEqualTo(BrokerTls.Verification.CA_FILE);
    }

    @Test
    void sslVersionSelectsTheJsseProtocol() {
        assertThat(BrokerTls.create(tlsOptions("ssl_version", "TLSv1_2")).protocol()).isEqualTo("TLSv1.2");
        assertThat(BrokerTls.create(tlsOptions("ssl_version", "tlsv1_2")).protocol()).isEqualTo("TLSv1.2");
        assertThat(BrokerTls.create(tlsOptions("ssl_version", "SSLv23")).protocol()).isEqualTo("TLS");
        assertThat(BrokerTls.create(tlsOptions()).protocol()).isEqualTo("TLS");
    }

    @Test
    void tlsVersionTheJdkDisablesIsRefusedAtStartup() {
        assertThatThrownBy(() -> BrokerTls.create(tlsOptions("ssl_version", "TLSv1")))
                .isInstanceOfSatisfying(InvalidRabbitOptionException.class,
                        e -> assertThat(e.option()).isEqualTo("ssl_version"))
                .hasMessageContaining("disabled");
    }

    @Test
    void hostnameVerificationNeedsCaFileAndTheEnforceFlag() {
        String ca = pki.caCert.toString();
        assertThat(BrokerTls.create(tlsOptions("ssl_ca_file", ca, "ssl_enforce_hostname_verification", "true"))
                .hostnameVerification()).isTrue();
        assertThat(BrokerTls.create(tlsOptions("ssl_ca_file", ca)).hostnameVerification()).isFalse();
        assertThat(BrokerTls.create(tlsOptions("ssl_enforce_hostname_verification", "true"))
                .hostnameVerification()).isFalse();
    }

    @Test
    void clientCertificateWithPkcs8KeyIsLoaded() {
        BrokerTls tls = BrokerTls.create(tlsOptions(
                "ssl_cert_file", clientCert.toString(), "ssl_key_file", clientKey.toString()));

        assertThat(tls.clientCertificateChain()).hasSize(1);
        assertThat(tls.clientCertificateChain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=client");
    }

    @Test
    void traditionalRsaKeyIsLoaded() throws Exception {
        Path pkcs1 = pki.toTraditionalRsa(clientKey);
        assertThat(Files.readString(pkcs1)).contains("BEGIN RSA PRIVATE KEY");

        assertThat(BrokerTls.create(tlsOptions("ssl_cert_file", clientCert.toString(), "ssl_key_file", pkcs1.toString()))
                .clientCertificateChain()).hasSize(1);
    }

    @Test
    void traditionalEcKeyIsLoaded() throws Exception {
        Path[] ec = pki.issueSec1Ec("ec-client", "ec-client");
        assertThat(Files.readString(ec[1])).contains("BEGIN EC PARAMETERS", "BEGIN EC PRIVATE KEY");

        assertThat(BrokerTls.create(tlsOptions("ssl_cert_file", ec[0].toString(), "ssl_key_file", ec[1].toString()))
                .clientCertificateChain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=ec-client");
    }

    @Test
    void keyInsideTheCertificateFileIsUsedWhenKeyFileIsEmpty() throws Exception {
        Path combined = dir.resolve("combined.pem");
        Files.writeString(combined, Files.readString(clientCert) + Files.readString(clientKey));

        assertThat(BrokerTls.create(tlsOptions("ssl_cert_file", combined.toString())).clientCertificateChain())
                .hasSize(1);
    }

    @Test
    void certificateWithoutAnyKeyIsRejected() {
        assertThatThrownBy(() -> BrokerTls.create(tlsOptions("ssl_cert_file", clientCert.toString())))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("ssl_key_file is empty");
    }

    @Test
    void keyOfAnotherCertificateIsRejected() {
        assertThatThrownBy(() -> BrokerTls.create(tlsOptions(
                "ssl_cert_file", otherCert.toString(), "ssl_key_file", clientKey.toString())))
                .isInstanceOfSatisfying(InvalidRabbitOptionException.class,
                        e -> assertThat(e.option()).isEqualTo("ssl_key_file"))
                .hasMessageContaining("does not belong");
    }

    @Test
    void encryptedKeyGivesAClearError() throws Exception {
        Path encrypted = pki.encrypt(clientKey);

        assertThatThrownBy(() -> BrokerTls.create(tlsOptions(
                "ssl_cert_file", clientCert.toString(), "ssl_key_file", encrypted.toString())))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining(encrypted.toString())
                .hasMessageContaining("encrypted");
    }

    @Test
    void keyFileWithoutCertificateFileIsIgnoredLikeOsloDoes() {
        assertThat(BrokerTls.create(tlsOptions("ssl_key_file", clientKey.toString())).clientCertificateChain())
                .isEmpty();
    }

    @Test
    void badPemNamesTheOptionAndTheFile() throws Exception {
        Path bad = dir.resolve("bad-ca.pem");
        Files.writeString(bad, "-----BEGIN CERTIFICATE-----\nthis is not base64!\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> BrokerTls.create(tlsOptions("ssl_ca_file", bad.toString())))
                .isInstanceOfSatisfying(InvalidRabbitOptionException.class,
                        e -> assertThat(e.option()).isEqualTo("ssl_ca_file"))
                .hasMessageContaining("ssl_ca_file = " + bad)
                .hasMessageContaining("base64");
    }

    @Test
    void damagedCertificateNamesTheOptionAndTheFile() throws Exception {
        Path bad = dir.resolve("damaged.pem");
        Files.writeString(bad, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> BrokerTls.create(tlsOptions("ssl_ca_file", bad.toString())))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("ssl_ca_file = " + bad)
                .hasMessageContaining("not a valid X.509 certificate");
    }

    @Test
    void derCertificateGivesAConversionHint() throws Exception {
        Path der = pki.toDer(pki.caCert);

        assertThatThrownBy(() -> BrokerTls.create(tlsOptions("ssl_ca_file", der.toString())))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("openssl x509 -inform der");
    }

    @Test
    void missingFileNamesTheOptionAndTheFile() {
        String missing = dir.resolve("nope.pem").toString();

        assertThatThrownBy(() -> BrokerTls.create(tlsOptions("ssl_cert_file", missing, "ssl_key_file", missing)))
                .isInstanceOfSatisfying(InvalidRabbitOptionException.class,
                        e -> assertThat(e.option()).isEqualTo("ssl_cert_file"))
                .hasMessageContaining("ssl_cert_file = " + missing)
                .hasMessageContaining("no such file");
    }

    @Test
    void createRefusesOptionsWithoutTls() {
        assertThatThrownBy(() -> BrokerTls.create(RabbitOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void applyLeavesThePlainConnectionAloneWithoutTls() {
        ConnectionFactory cf = new ConnectionFactory();

        BrokerTls.apply(cf, RabbitOptions.defaults());

        assertThat(cf.isSSL()).isFalse();
    }

    @Test
    void applySwitchesTheConnectionFactoryToTls() {
        ConnectionFactory cf = new ConnectionFactory();

        BrokerTls.apply(cf, tlsOptions("ssl_ca_file", pki.caCert.toString()));

        assertThat(cf.isSSL()).isTrue();
    }

    private static RabbitOptions tlsOptions(String... keyValues) {
        Map<String, String> section = new LinkedHashMap<>();
        section.put("ssl", "true");
        for (int i = 0; i < keyValues.length; i += 2) {
            section.put(keyValues[i], keyValues[i + 1]);
        }
        return RabbitOptions.fromConfig(section);
    }
}
