package org.ebsvolume.messaging.impl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ebsvolume.messaging.transport.InvalidRabbitOptionException;

/**
 * Reads the PEM files named by ssl_ca_file, ssl_cert_file and ssl_key_file the way OpenSSL reads
 * them for Python, with the plain JDK: any text around the PEM blocks is ignored, a bundle may
 * hold several certificates, and a private key may be PKCS#8 ("PRIVATE KEY") or OpenSSL's
 * traditional PKCS#1 ("RSA PRIVATE KEY") and SEC1 ("EC PRIVATE KEY") forms, which the JDK cannot
 * read directly and are therefore re-wrapped as PKCS#8 here.
 */
final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    private static final String CONVERT_HINT =
            "; convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8";

    // DER for the AlgorithmIdentifier OIDs a re-wrapped key needs.
    private static final byte[] OID_RSA_ENCRYPTION =
            {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    private static final byte[] OID_EC_PUBLIC_KEY =
            {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] DER_NULL = {0x05, 0x00};

    private PemFiles() {
    }

    /** Every certificate in the file, in file order. */
    static List<X509Certificate> certificates(String option, String file) {
        String text = read(option, file);
        List<X509Certificate> certs = new ArrayList<>();
        CertificateFactory factory = x509Factory();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String label = m.group(1);
            if (!label.equals("CERTIFICATE") && !label.equals("X509 CERTIFICATE")
                    && !label.equals("TRUSTED CERTIFICATE")) {
                continue;
            }
            byte[] der = decode(option, file, label, m.group(2));
            if (label.equals("TRUSTED CERTIFICATE")) {
                // OpenSSL's "TRUSTED CERTIFICATE" is the certificate followed by trust settings.
                der = firstElement(der);
            }
            try {
                certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            } catch (CertificateException | RuntimeException e) {
                throw bad(option, file, "certificate #" + (certs.size() + 1) + " is not a valid X.509 certificate ("
                        + e.getMessage() + ")", e);
            }
        }
        if (certs.isEmpty()) {
            throw bad(option, file, "no PEM certificate found (expected -----BEGIN CERTIFICATE-----;"
                    + " convert a DER file with: openssl x509 -inform der -in FILE -out FILE.pem)", null);
        }
        return certs;
    }

    /** True when the file holds a private key block (Python then takes the key from the cert file). */
    static boolean containsPrivateKey(String option, String file) {
        Matcher m = BLOCK.matcher(read(option, file));
        while (m.find()) {
            if (m.group(1).endsWith("PRIVATE KEY")) {
                return true;
            }
        }
        return false;
    }

    /** The first private key in the file. */
    static PrivateKey privateKey(String option, String file) {
        Matcher m = BLOCK.matcher(read(option, file));
        while (m.find()) {
            String label = m.group(1);
            if (!label.endsWith("PRIVATE KEY")) {
                continue;
            }
            String body = m.group(2);
            if (label.equals("ENCRYPTED PRIVATE KEY") || body.contains("Proc-Type: 4,ENCRYPTED")) {
                throw bad(option, file, "the private key is encrypted; oslo.messaging has no passphrase option"
                        + " either. Store it unencrypted (readable only by the service user): "
                        + "openssl pkey -in KEY -out KEY.plain", null);
            }
            byte[] der = decode(option, file, label, body);
            byte[] pkcs8 = switch (label) {
                case "PRIVATE KEY" -> der;
                case "RSA PRIVATE KEY" -> pkcs8(OID_RSA_ENCRYPTION, DER_NULL, der);
                case "EC PRIVATE KEY" -> pkcs8(OID_EC_PUBLIC_KEY, sec1Curve(option, file, der), der);
                default -> throw bad(option, file, "unsupported key type '" + label + "'" + CONVERT_HINT, null);
            };
            return decodePkcs8(option, file, pkcs8);
        }
        throw bad(option, file, "no PEM private key found (expected -----BEGIN PRIVATE KEY-----)", null);
    }

    private static PrivateKey decodePkcs8(String option, String file, byte[] pkcs8) {
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this algorithm; try the next one
            }
        }
        throw bad(option, file, "the private key cannot be decoded (not RSA, EC, EdDSA or DSA, or damaged)"
                + CONVERT_HINT, null);
    }

    /** The namedCurve OID from a SEC1 ECPrivateKey, i.e. the content of its [0] field. */
    private static byte[] sec1Curve(String option, String file, byte[] sec1) {
        try {
            int offset = headerLength(sec1, 0);
            int end = derElementLength(sec1, 0);
            while (offset < end) {
                int elementLength = derElementLength(sec1, offset);
                if ((sec1[offset] & 0xff) == 0xa0) {
                    int content = offset + headerLength(sec1, offset);
                    return Arrays.copyOfRange(sec1, content, offset + elementLength);
                }
                offset += elementLength;
            }
        } catch (IndexOutOfBoundsException e) {
            throw bad(option, file, "the EC private key is not valid DER" + CONVERT_HINT, e);
        }
        throw bad(option, file, "the EC private key does not name its curve" + CONVERT_HINT, null);
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, OCTET STRING key }. */
    private static byte[] pkcs8(byte[] algorithmOid, byte[] parameters, byte[] key) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] algorithm = tlv(0x30, concat(algorithmOid, parameters));
        return tlv(0x30, concat(version, algorithm, tlv(0x04, key)));
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] firstElement(byte[] der) {
        try {
            return Arrays.copyOf(der, Math.min(der.length, derElementLength(der, 0)));
        } catch (IndexOutOfBoundsException e) {
            return der; // too short to trim; the certificate factory will say what is wrong
        }
    }

    /** Tag plus length bytes of the DER element at offset. */
    private static int headerLength(byte[] der, int offset) {
        int first = der[offset + 1] & 0xff;
        return first < 0x80 ? 2 : 2 + (first & 0x7f);
    }

    /** Total size (header and content) of the DER element at offset. */
    private static int derElementLength(byte[] der, int offset) {
        int first = der[offset + 1] & 0xff;
        if (first < 0x80) {
            return 2 + first;
        }
        int count = first & 0x7f;
        long length = 0;
        for (int i = 0; i < count; i++) {
            length = (length << 8) | (der[offset + 2 + i] & 0xff);
        }
        return (int) Math.min(Integer.MAX_VALUE, 2 + count + length);
    }

    private static byte[] decode(String option, String file, String label, String body) {
        // Skip RFC 1421 headers ("Proc-Type: ...") that precede the base64 text.
        StringBuilder base64 = new StringBuilder(body.length());
        for (String line : body.split("\r?\n")) {
            if (line.indexOf(':') < 0) {
                base64.append(line.strip());
            }
        }
        try {
            return Base64.getDecoder().decode(base64.toString());
        } catch (IllegalArgumentException e) {
            throw bad(option, file, "the " + label + " block is not valid base64 (" + e.getMessage() + ")", e);
        }
    }

    private static String read(String option, String file) {
        try {
            return new String(Files.readAllBytes(Path.of(file)), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw bad(option, file, "no such file", e);
        } catch (AccessDeniedException e) {
            throw bad(option, file, "permission denied for this process", e);
        } catch (IOException | RuntimeException e) {
            throw bad(option, file, "cannot read the file (" + e + ")", e);
        }
    }

    private static CertificateFactory x509Factory() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
    }

    static InvalidRabbitOptionException bad(String option, String file, String problem, Throwable cause) {
        return new InvalidRabbitOptionException(option,
                "[oslo_messaging_rabbit] " + option + " = " + file + ": " + problem, cause);
    }
}
