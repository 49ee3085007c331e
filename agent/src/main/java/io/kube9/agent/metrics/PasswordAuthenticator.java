package io.kube9.agent.metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * HTTP basic auth against one user name and the SHA-256 of its password: the agent never needs
 * the clear password, only its hash.
 *
 * <p>Not the JDK's {@code BasicAuthenticator}: it decodes credentials with the platform charset
 * on Java 11 and ISO-8859-1 on later versions, so a non-ASCII password would match on some JDKs
 * only. Clients (curl, Prometheus) send UTF-8 bytes, and those bytes are hashed as received.
 */
final class PasswordAuthenticator {
    private final String realm;
    private final byte[] username;
    private final byte[] passwordSha256;

    PasswordAuthenticator(String realm, String username, byte[] passwordSha256) {
        this.realm = realm;
        this.username = username.getBytes(StandardCharsets.UTF_8);
        this.passwordSha256 = passwordSha256.clone();
    }

    /** Whether the {@code Authorization} header (null when absent) carries this user and password. */
    boolean accepts(String authorization) {
        byte[] credentials = decodeBasic(authorization);
        int colon = indexOfColon(credentials);
        if (colon < 0) {
            return false;
        }
        byte[] user = Arrays.copyOfRange(credentials, 0, colon);
        byte[] password = Arrays.copyOfRange(credentials, colon + 1, credentials.length);
        // Both always compared, each in constant time: the answer's timing tells nothing.
        boolean userMatches = MessageDigest.isEqual(user, username);
        boolean passwordMatches = MessageDigest.isEqual(sha256(password), passwordSha256);
        return userMatches & passwordMatches;
    }

    /** The {@code WWW-Authenticate} value of a 401. */
    String challenge() {
        return "Basic realm=\"" + realm + "\", charset=\"UTF-8\"";
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The bytes after {@code Basic }, or an empty array when the header is absent or not basic auth. */
    private static byte[] decodeBasic(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException notBase64) {
            return new byte[0];
        }
    }

    private static int indexOfColon(byte[] credentials) {
        for (int i = 0; i < credentials.length; i++) {
            if (credentials[i] == ':') {
                return i;
            }
        }
        return -1;
    }
}
