package io.kube9.agent.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed server certificate for 127.0.0.1, made at test time by the JDK's keytool: a
 * PKCS12 keystore, and the same key and certificate as PEM files. No key is ever committed.
 */
final class TestCertificates {
    static final String PASSWORD = "changeit";

    final Path keystore;
    final Path certPem;
    final Path keyPem;
    final X509Certificate certificate;

    private TestCertificates(Path keystore, Path certPem, Path keyPem, X509Certificate certificate) {
        this.keystore = keystore;
        this.certPem = certPem;
        this.keyPem = keyPem;
        this.certificate = certificate;
    }

    /** {@code keyAlgorithm} is {@code EC} (P-256) or {@code RSA} (2048 bits). */
    static TestCertificates generate(Path dir, String name, String keyAlgorithm)
            throws IOException, InterruptedException, GeneralSecurityException {
        Files.createDirectories(dir);
        Path keystore = dir.resolve(name + ".p12");
        Files.deleteIfExists(keystore);
        String keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-keyalg", keyAlgorithm,
                "-keysize", keyAlgorithm.equals("EC") ? "256" : "2048", "-dname", "CN=127.0.0.1", "-validity", "2",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        X509Certificate certificate = (X509Certificate) store.getCertificate("server");
        PrivateKey key = (PrivateKey) store.getKey("server", PASSWORD.toCharArray());
        Path certPem = Files.writeString(dir.resolve(name + "-cert.pem"), pem("CERTIFICATE", certificate.getEncoded()));
        // PrivateKey.getEncoded() is PKCS#8, the form the agent reads.
        Path keyPem = Files.writeString(dir.resolve(name + "-key.pem"), pem("PRIVATE KEY", key.getEncoded()));
        return new TestCertificates(keystore, certPem, keyPem, certificate);
    }

    /** A client context that trusts this certificate only. */
    SSLContext trustingClient() throws GeneralSecurityException, IOException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    static String pem(String type, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
    }

    static String hex(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(String.format("%02x", b & 0xff));
        }
        return hex.toString();
    }

    @Override
    public String toString() {
        return Arrays.asList(keystore, certPem, keyPem).toString();
    }
}
