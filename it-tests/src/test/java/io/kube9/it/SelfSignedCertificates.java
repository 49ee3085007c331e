package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Server certificates for 127.0.0.1, made at test time with the tools an operator would use
 * (openssl, keytool); never committed.
 */
final class SelfSignedCertificates {
    private SelfSignedCertificates() {}

    /** {@code cert.pem} and an unencrypted PKCS#8 {@code key.pem} (EC P-256), as openssl makes them. */
    static void openssl(Path dir) throws IOException, InterruptedException {
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1");
    }

    /** {@code server.p12} (RSA, password {@code storePassword}) and its certificate as {@code cert.pem}. */
    static void keytool(Path dir, String storePassword) throws IOException, InterruptedException {
        String keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool").toString();
        run(dir, keytool, "-genkeypair", "-alias", "server", "-keystore", "server.p12", "-storetype", "PKCS12",
                "-storepass", storePassword, "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                "-validity", "2", "-ext", "SAN=ip:127.0.0.1");
        run(dir, keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", "server.p12",
                "-storepass", storePassword, "-file", "cert.pem");
    }

    /** A client context that trusts the certificate in {@code certPem} and nothing else. */
    static SSLContext trusting(Path certPem) throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(certPem)) {
            trusted.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
        assertThat(process.exitValue()).as("%s said:\n%s", List.of(command), output).isZero();
    }
}
