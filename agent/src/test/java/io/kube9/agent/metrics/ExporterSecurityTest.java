package io.kube9.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kube9.agent.config.ConfigException;
import io.kube9.agent.config.ConfigLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLSocket;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExporterSecurityTest {
    private static final String PASSWORD_SHA256 =
            TestCertificates.hex(PasswordAuthenticator.sha256("s3cret".getBytes(StandardCharsets.UTF_8)));

    @TempDir
    static Path dir;
    static TestCertificates ec;
    static TestCertificates rsa;
    static Path otherEcKey;
    static Path pkcs1Key;
    static Path encryptedKey;
    static Path keystoreWithoutKey;

    @BeforeAll
    static void makeCertificates() throws Exception {
        ec = TestCertificates.generate(dir, "ec", "EC");
        rsa = TestCertificates.generate(dir, "rsa", "RSA");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        otherEcKey = Files.writeString(dir.resolve("other-ec-key.pem"),
                TestCertificates.pem("PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded()));
        pkcs1Key = Files.writeString(dir.resolve("pkcs1.pem"), TestCertificates.pem("RSA PRIVATE KEY", new byte[64]));
        encryptedKey = Files.writeString(dir.resolve("encrypted.pem"),
                TestCertificates.pem("ENCRYPTED PRIVATE KEY", new byte[64]));
        KeyStore certificateOnly = KeyStore.getInstance("PKCS12");
        certificateOnly.load(null, null);
        certificateOnly.setCertificateEntry("ca", ec.certificate);
        keystoreWithoutKey = dir.resolve("certificate-only.p12");
        try (OutputStream out = Files.newOutputStream(keystoreWithoutKey)) {
            certificateOnly.store(out, TestCertificates.PASSWORD.toCharArray());
        }
    }

    /** Agent arguments (paths as placeholders) and the start of the one line the agent prints. */
    static Stream<Arguments> unusableSettings() {
        String user = "exporter.basic-auth.username=prometheus";
        return Stream.of(
                Arguments.of("exporter.basic-auth.password=s3cret",
                        "kube9.exporter.basic-auth.username: required with kube9.exporter.basic-auth.password"),
                Arguments.of("exporter.basic-auth.password-sha256=" + PASSWORD_SHA256,
                        "kube9.exporter.basic-auth.username: required with kube9.exporter.basic-auth.password-sha256"),
                Arguments.of(user, "kube9.exporter.basic-auth.password-sha256: required with kube9.exporter.basic-auth.username"),
                Arguments.of("exporter.basic-auth.username=,exporter.basic-auth.password=s3cret",
                        "kube9.exporter.basic-auth.username: expected a non-empty user name without ':'"),
                Arguments.of("exporter.basic-auth.username=a:b,exporter.basic-auth.password=s3cret",
                        "kube9.exporter.basic-auth.username: expected a non-empty user name without ':'"),
                Arguments.of(user + ",exporter.basic-auth.password=",
                        "kube9.exporter.basic-auth.password: expected a non-empty password"),
                Arguments.of(user + ",exporter.basic-auth.password=s3cret,exporter.basic-auth.password-sha256=" + PASSWORD_SHA256,
                        "kube9.exporter.basic-auth.password: set either it or kube9.exporter.basic-auth.password-sha256, not both"),
                Arguments.of(user + ",exporter.basic-auth.password-sha256=s3cret",
                        "kube9.exporter.basic-auth.password-sha256: expected 64 hexadecimal digits (the SHA-256 of the"
                                + " password, e.g. from `printf %s 'PASSWORD' | sha256sum`), found 6 characters that are not all hexadecimal"),
                Arguments.of(user + ",exporter.basic-auth.password-sha256=" + PASSWORD_SHA256.substring(1),
                        "kube9.exporter.basic-auth.password-sha256: expected 64 hexadecimal digits"),
                Arguments.of("exporter.tls.cert=EC_CERT", "kube9.exporter.tls.key: required with kube9.exporter.tls.cert"),
                Arguments.of("exporter.tls.key=EC_KEY", "kube9.exporter.tls.cert: required with kube9.exporter.tls.key"),
                Arguments.of("exporter.tls.cert=,exporter.tls.key=",
                        "kube9.exporter.tls.cert: expected a file path, found an empty value"),
                Arguments.of("exporter.tls.cert=EC_CERT,exporter.tls.key=EC_KEY,exporter.tls.keystore=EC_P12",
                        "kube9.exporter.tls.keystore: set either it or kube9.exporter.tls.cert and kube9.exporter.tls.key, not both"),
                Arguments.of("exporter.tls.keystore-password=changeit",
                        "kube9.exporter.tls.keystore-password: set without kube9.exporter.tls.keystore"),
                Arguments.of("exporter.tls.cert=DIR/missing.pem,exporter.tls.key=EC_KEY",
                        "kube9.exporter.tls.cert: cannot read \"DIR/missing.pem\""),
                Arguments.of("exporter.tls.cert=EC_KEY,exporter.tls.key=EC_KEY", "kube9.exporter.tls.cert: "),
                Arguments.of("exporter.tls.cert=EC_CERT,exporter.tls.key=DIR/missing.pem",
                        "kube9.exporter.tls.key: cannot read \"DIR/missing.pem\""),
                Arguments.of("exporter.tls.cert=EC_CERT,exporter.tls.key=PKCS1_KEY",
                        "kube9.exporter.tls.key: \"PKCS1_KEY\" is not PKCS#8 (BEGIN PRIVATE KEY); convert it with"
                                + " `openssl pkcs8 -topk8 -nocrypt -in PKCS1_KEY -out key-pkcs8.pem`"),
                Arguments.of("exporter.tls.cert=EC_CERT,exporter.tls.key=ENCRYPTED_KEY",
                        "kube9.exporter.tls.key: \"ENCRYPTED_KEY\" is encrypted"),
                Arguments.of("exporter.tls.cert=EC_CERT,exporter.tls.key=EC_CERT",
                        "kube9.exporter.tls.key: no \"-----BEGIN PRIVATE KEY-----\" block in \"EC_CERT\""),
                Arguments.of("exporter.tls.cert=EC_CERT,exporter.tls.key=OTHER_EC_KEY",
                        "kube9.exporter.tls.key: the key in \"OTHER_EC_KEY\" does not belong to the certificate in \"EC_CERT\""),
                Arguments.of("exporter.tls.cert=EC_CERT,exporter.tls.key=RSA_KEY",
                        "kube9.exporter.tls.key: \"RSA_KEY\" holds no EC private key for the certificate in kube9.exporter.tls.cert"),
                Arguments.of("exporter.tls.keystore=EC_P12,exporter.tls.keystore-password=wrong",
                        "kube9.exporter.tls.keystore-password: wrong password for \"EC_P12\""),
                Arguments.of("exporter.tls.keystore=EC_P12",
                        "kube9.exporter.tls.keystore-password: wrong password for \"EC_P12\""),
                Arguments.of("exporter.tls.keystore=EC_CERT,exporter.tls.keystore-password=changeit",
                        "kube9.exporter.tls.keystore: cannot read \"EC_CERT\" as a PKCS12 keystore"),
                Arguments.of("exporter.tls.keystore=CERT_ONLY_P12,exporter.tls.keystore-password=changeit",
                        "kube9.exporter.tls.keystore: \"CERT_ONLY_P12\" holds no private key with a certificate"),
                Arguments.of("exporter.tls.keystore=,exporter.tls.keystore-password=changeit",
                        "kube9.exporter.tls.keystore: expected a file path, found an empty value"));
    }

    @ParameterizedTest
    @MethodSource("unusableSettings")
    void unusableSettingsAreRefusedNamingTheKey(String arguments, String message) {
        assertThatThrownBy(() -> ExporterSecurity.from(ConfigLoader.load(paths(arguments))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(paths(message))
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void nothingConfiguredMeansPlainHttpWithoutAuth() {
        ExporterSecurity security = ExporterSecurity.from(ConfigLoader.load(""));
        assertThat(security.scheme()).isEqualTo("http");
        assertThat(security.authenticator()).isNull();
        assertThat(security.tls()).isNull();
        assertThat(security.describe()).isEmpty();
    }

    @Test
    void basicAuthWithoutTlsSaysThePasswordTravelsInClearText() {
        ExporterSecurity security = ExporterSecurity.from(ConfigLoader.load(
                "exporter.basic-auth.username=prometheus,exporter.basic-auth.password-sha256=" + PASSWORD_SHA256.toUpperCase()));
        assertThat(security.scheme()).isEqualTo("http");
        assertThat(security.describe()).contains("clear text");
    }

    @Test
    void rsaKeystoreGivesHttps() {
        ExporterSecurity security = ExporterSecurity.from(ConfigLoader.load(
                paths("exporter.tls.keystore=RSA_P12,exporter.tls.keystore-password=changeit")));
        assertThat(security.scheme()).isEqualTo("https");
        assertThat(security.describe()).isEqualTo(" (TLS)");
    }

    @Test
    void servesOnlyTheRightCredentialsAndOnlyOverTls() throws Exception {
        // A non-ASCII password: clients send it as UTF-8, whatever the JDK's own basic-auth decoding would do.
        String password = "pässwörd";
        ExporterSecurity security = ExporterSecurity.from(ConfigLoader.load(paths(
                "exporter.tls.cert=EC_CERT,exporter.tls.key=EC_KEY,exporter.basic-auth.username=prometheus,"
                        + "exporter.basic-auth.password=" + password)));
        assertThat(security.describe()).isEqualTo(" (TLS, basic auth)");
        MetricsExporter exporter = MetricsExporter.start(new AgentMetrics(10), "127.0.0.1", 0, security, task -> {
            Thread thread = new Thread(task, "exporter-test");
            thread.setDaemon(true);
            return thread;
        }, warning -> {
            throw new AssertionError("no request should fail here: " + warning);
        });
        try {
            HttpClient https = HttpClient.newBuilder().sslContext(ec.trustingClient())
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String metrics = "https://127.0.0.1:" + exporter.port() + "/metrics";

            HttpResponse<String> anonymous = send(https, metrics, null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                    .hasValue("Basic realm=\"kube9-agent\", charset=\"UTF-8\"");
            assertThat(send(https, metrics, "prometheus:wrong").statusCode()).isEqualTo(401);
            assertThat(send(https, metrics, "someone:" + password).statusCode()).isEqualTo(401);
            assertThat(send(https, metrics, "prometheus").statusCode()).as("no colon").isEqualTo(401);
            assertThat(send(https, "https://127.0.0.1:" + exporter.port() + "/-/healthy", null).statusCode())
                    .isEqualTo(401);

            HttpResponse<String> authorized = send(https, metrics, "prometheus:" + password);
            assertThat(authorized.statusCode()).isEqualTo(200);
            assertThat(authorized.body()).contains("kube9_advice_errors_total 0.0");

            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> send(plain, "http://127.0.0.1:" + exporter.port() + "/metrics", "prometheus:" + password))
                    .isInstanceOf(IOException.class);
            assertThat(send(https, metrics, "prometheus:" + password).statusCode()).as("still serving").isEqualTo(200);
        } finally {
            exporter.close();
        }
    }

    @Test
    void idleTlsConnectionsMidHandshakeOrBetweenRequestsDoNotKeepAScrapeOut() throws Exception {
        ExporterSecurity security = ExporterSecurity.from(ConfigLoader.load(paths("exporter.tls.cert=EC_CERT,exporter.tls.key=EC_KEY")));
        MetricsExporter exporter = MetricsExporter.start(new AgentMetrics(10), "127.0.0.1", 0, security, task -> {
            Thread thread = new Thread(task, "exporter-test");
            thread.setDaemon(true);
            return thread;
        }, warning -> {
            throw new AssertionError("no request should fail here: " + warning);
        });
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < HttpEndpoint.MAX_CONNECTIONS / 2; i++) {
                idle.add(new Socket("127.0.0.1", exporter.port())); // no ClientHello: the handshake waits
            }
            for (int i = 0; i < HttpEndpoint.MAX_CONNECTIONS / 2; i++) {
                SSLSocket tls = (SSLSocket) ec.trustingClient().getSocketFactory().createSocket("127.0.0.1", exporter.port());
                idle.add(tls);
                tls.setSoTimeout(10_000);
                tls.getOutputStream().write("GET /-/healthy HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                tls.getOutputStream().flush();
                byte[] reply = new byte[12];
                assertThat(tls.getInputStream().readNBytes(reply, 0, 12)).isEqualTo(12);
                assertThat(new String(reply, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
            }

            HttpClient https = HttpClient.newBuilder().sslContext(ec.trustingClient())
                    .connectTimeout(Duration.ofSeconds(5)).build();
            assertThat(send(https, "https://127.0.0.1:" + exporter.port() + "/metrics", null).statusCode()).isEqualTo(200);
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
            exporter.close();
        }
    }

    private static HttpResponse<String> send(HttpClient client, String url, String credentials)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (credentials != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String paths(String text) {
        // OTHER_EC_KEY before EC_KEY, which it contains
        return text.replace("OTHER_EC_KEY", otherEcKey.toString()).replace("CERT_ONLY_P12", keystoreWithoutKey.toString())
                .replace("EC_CERT", ec.certPem.toString()).replace("EC_KEY", ec.keyPem.toString())
                .replace("EC_P12", ec.keystore.toString()).replace("RSA_KEY", rsa.keyPem.toString())
                .replace("RSA_P12", rsa.keystore.toString()).replace("PKCS1_KEY", pkcs1Key.toString())
                .replace("ENCRYPTED_KEY", encryptedKey.toString()).replace("DIR", dir.toString());
    }
}
