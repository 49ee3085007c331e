package io.kube9.agent.metrics;

import io.kube9.agent.config.AgentConfig;
import io.kube9.agent.config.ConfigException;
import io.kube9.agent.config.Key;
import io.kube9.agent.config.Keys;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;

/**
 * How the metrics endpoint is protected: HTTP basic auth, TLS, both, or neither (the default).
 *
 * <pre>{@code
 * ExporterSecurity security = ExporterSecurity.from(config); // ConfigException names the key
 * MetricsExporter.start(metrics, host, port, security, threads, AgentLog::warn);
 * }</pre>
 *
 * <p>Settings that were given but cannot be used are an error, never a quiet fallback: an
 * endpoint that was meant to ask for a password or to speak TLS must not come up open or in
 * clear text. The caller then leaves the endpoint closed.
 */
public final class ExporterSecurity {
    /** The realm browsers show when they ask for the password. */
    static final String REALM = "kube9-agent";

    private final PasswordAuthenticator authenticator;
    private final SSLContext tls;

    private ExporterSecurity(PasswordAuthenticator authenticator, SSLContext tls) {
        this.authenticator = authenticator;
        this.tls = tls;
    }

    /** @throws ConfigException naming the key, when a given setting cannot be used */
    public static ExporterSecurity from(AgentConfig config) {
        return new ExporterSecurity(authenticator(config), tls(config));
    }

    /** Null when no password is asked for. */
    PasswordAuthenticator authenticator() {
        return authenticator;
    }

    /** Null for plain HTTP. */
    SSLContext tls() {
        return tls;
    }

    public String scheme() {
        return tls == null ? "http" : "https";
    }

    /** For the start-up line, e.g. {@code " (TLS, basic auth)"}; empty when unprotected. */
    public String describe() {
        if (tls != null) {
            return authenticator != null ? " (TLS, basic auth)" : " (TLS)";
        }
        return authenticator != null ? " (basic auth over plain HTTP: the password crosses the network in clear text;"
                + " see kube9.exporter.tls.*)" : "";
    }

    private static PasswordAuthenticator authenticator(AgentConfig config) {
        String username = config.get(Keys.EXPORTER_BASIC_AUTH_USERNAME);
        String password = config.get(Keys.EXPORTER_BASIC_AUTH_PASSWORD);
        String passwordSha256 = config.get(Keys.EXPORTER_BASIC_AUTH_PASSWORD_SHA256);
        if (username == null && password == null && passwordSha256 == null) {
            return null;
        }
        if (username == null) {
            Key<?> given = password != null ? Keys.EXPORTER_BASIC_AUTH_PASSWORD : Keys.EXPORTER_BASIC_AUTH_PASSWORD_SHA256;
            throw problem(Keys.EXPORTER_BASIC_AUTH_USERNAME, "required with " + given.name());
        }
        if (username.isEmpty() || username.indexOf(':') >= 0) {
            throw problem(Keys.EXPORTER_BASIC_AUTH_USERNAME, "expected a non-empty user name without ':'");
        }
        if (password != null && passwordSha256 != null) {
            throw problem(Keys.EXPORTER_BASIC_AUTH_PASSWORD, "set either it or "
                    + Keys.EXPORTER_BASIC_AUTH_PASSWORD_SHA256.name() + ", not both");
        }
        if (password == null && passwordSha256 == null) {
            throw problem(Keys.EXPORTER_BASIC_AUTH_PASSWORD_SHA256, "required with "
                    + Keys.EXPORTER_BASIC_AUTH_USERNAME.name() + " (or " + Keys.EXPORTER_BASIC_AUTH_PASSWORD.name() + ")");
        }
        byte[] hash;
        if (password != null) {
            if (password.isEmpty()) {
                throw problem(Keys.EXPORTER_BASIC_AUTH_PASSWORD, "expected a non-empty password");
            }
            hash = PasswordAuthenticator.sha256(password.getBytes(StandardCharsets.UTF_8));
        } else {
            hash = parseSha256(passwordSha256);
        }
        return new PasswordAuthenticator(REALM, username, hash);
    }

    /** 64 hex digits, as {@code sha256sum} prints them; the value itself is never echoed. */
    private static byte[] parseSha256(String hex) {
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            throw problem(Keys.EXPORTER_BASIC_AUTH_PASSWORD_SHA256, "expected 64 hexadecimal digits (the SHA-256 of"
                    + " the password, e.g. from `printf %s 'PASSWORD' | sha256sum`), found " + hex.length() + " characters"
                    + (hex.matches("[0-9a-fA-F]*") ? "" : " that are not all hexadecimal"));
        }
        byte[] bytes = new byte[32];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    private static SSLContext tls(AgentConfig config) {
        String cert = config.get(Keys.EXPORTER_TLS_CERT);
        String key = config.get(Keys.EXPORTER_TLS_KEY);
        String keystore = config.get(Keys.EXPORTER_TLS_KEYSTORE);
        String keystorePassword = config.get(Keys.EXPORTER_TLS_KEYSTORE_PASSWORD);
        boolean pem = cert != null || key != null;
        if (pem && keystore != null) {
            throw problem(Keys.EXPORTER_TLS_KEYSTORE, "set either it or " + Keys.EXPORTER_TLS_CERT.name() + " and "
                    + Keys.EXPORTER_TLS_KEY.name() + ", not both");
        }
        if (pem) {
            if (cert == null) {
                throw problem(Keys.EXPORTER_TLS_CERT, "required with " + Keys.EXPORTER_TLS_KEY.name());
            }
            if (key == null) {
                throw problem(Keys.EXPORTER_TLS_KEY, "required with " + Keys.EXPORTER_TLS_CERT.name());
            }
            return TlsCredentials.fromPem(requirePath(Keys.EXPORTER_TLS_CERT, cert), requirePath(Keys.EXPORTER_TLS_KEY, key));
        }
        if (keystore != null) {
            return TlsCredentials.fromKeystore(requirePath(Keys.EXPORTER_TLS_KEYSTORE, keystore),
                    keystorePassword == null ? "" : keystorePassword);
        }
        if (keystorePassword != null) {
            throw problem(Keys.EXPORTER_TLS_KEYSTORE_PASSWORD, "set without " + Keys.EXPORTER_TLS_KEYSTORE.name());
        }
        return null;
    }

    private static String requirePath(Key<String> key, String path) {
        if (path.isEmpty()) {
            throw problem(key, "expected a file path, found an empty value");
        }
        return path;
    }

    private static ConfigException problem(Key<?> key, String message) {
        return new ConfigException(key.name() + ": " + message);
    }
}
