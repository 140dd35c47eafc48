package org.ebsvolume.messaging.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PKI made with the {@code openssl} CLI, the tool operators use for these files, so
 * the tests read exactly the PEM flavours found on real hosts.
 */
final class TestPki {

    final Path dir;
    final Path caCert;
    final Path caKey;

    private TestPki(Path dir) {
        this.dir = dir;
        this.caCert = dir.resolve("ca.pem");
        this.caKey = dir.resolve("ca.key");
    }

    /** A new CA in {@code dir}. */
    static TestPki create(Path dir) throws IOException, InterruptedException {
        TestPki pki = new TestPki(dir);
        pki.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-days", "2", "-subj", "/CN=ebs-volume test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return pki;
    }

    /** An RSA key (PKCS#8, "BEGIN PRIVATE KEY") and a certificate for it signed by the CA. */
    Path[] issueRsa(String name, String commonName, String subjectAltName) throws IOException, InterruptedException {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + commonName);
        sign(name, subjectAltName);
        return new Path[] {dir.resolve(name + ".pem"), dir.resolve(name + ".key")};
    }

    /** An EC P-256 key in OpenSSL's traditional SEC1 form, preceded by its EC PARAMETERS block. */
    Path[] issueSec1Ec(String name, String commonName) throws IOException, InterruptedException {
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", name + ".key");
        openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
        sign(name, null);
        return new Path[] {dir.resolve(name + ".pem"), dir.resolve(name + ".key")};
    }

    /** The same key in OpenSSL's traditional PKCS#1 form ("BEGIN RSA PRIVATE KEY"). */
    Path toTraditionalRsa(Path pkcs8Key) throws IOException, InterruptedException {
        Path out = dir.resolve(pkcs8Key.getFileName() + ".pkcs1");
        openssl("rsa", "-in", pkcs8Key.toString(), "-traditional", "-out", out.toString());
        return out;
    }

    /** The key encrypted with a passphrase ("BEGIN ENCRYPTED PRIVATE KEY"). */
    Path encrypt(Path key) throws IOException, InterruptedException {
        Path out = dir.resolve(key.getFileName() + ".enc");
        openssl("pkcs8", "-topk8", "-in", key.toString(), "-passout", "pass:secret", "-out", out.toString());
        return out;
    }

    /** The certificate re-encoded as DER, the binary form OpenSSL will not read as a PEM file. */
    Path toDer(Path cert) throws IOException, InterruptedException {
        Path out = dir.resolve(cert.getFileName() + ".der");
        openssl("x509", "-in", cert.toString(), "-outform", "der", "-out", out.toString());
        return out;
    }

    private void sign(String name, String subjectAltName) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem",
                "-CAkey", "ca.key", "-CAcreateserial", "-out", name + ".pem", "-days", "2"));
        if (subjectAltName != null) {
            Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + subjectAltName + "\n");
            args.addAll(List.of("-extfile", name + ".ext"));
        }
        openssl(args.toArray(new String[0]));
    }

    void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s%n%s", String.join(" ", args), output).isZero();
    }
}
