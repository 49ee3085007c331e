package io.kube9.agent.metrics;

import io.kube9.agent.config.ConfigException;
import io.kube9.agent.config.Key;
import io.kube9.agent.config.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The exporter's server key and certificate, from PEM files or a PKCS12 keystore, checked when
 * the agent starts: a wrong file or password is a {@link ConfigException} naming the key then,
 * not a handshake failure at every scrape later.
 */
final class TlsCredentials {
    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS8_END = "-----END PRIVATE KEY-----";
    private static final char[] IN_MEMORY_PASSWORD = "kube9".toCharArray();

    private TlsCredentials() {}

    /** From a PEM certificate chain (server certificate first) and its unencrypted PKCS#8 PEM key. */
    static SSLContext fromPem(String certFile, String keyFile) {
        List<X509Certificate> chain = readCertificates(certFile);
        PrivateKey key = readPkcs8Key(keyFile, chain.get(0).getPublicKey().getAlgorithm());
        if (!belongTogether(key, chain.get(0).getPublicKey())) {
            throw problem(Keys.EXPORTER_TLS_KEY, "the key in \"" + keyFile + "\" does not belong to the certificate in \""
                    + certFile + "\" (" + Keys.EXPORTER_TLS_CERT.name() + ")");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("kube9-exporter", key, IN_MEMORY_PASSWORD, chain.toArray(new Certificate[0]));
            return context(store, IN_MEMORY_PASSWORD);
        } catch (IOException | GeneralSecurityException e) {
            throw problem(Keys.EXPORTER_TLS_KEY, "cannot use the key in \"" + keyFile + "\" (" + e.getMessage() + ")");
        }
    }

    /** From a PKCS12 keystore whose private key (with its certificate chain) has the keystore's password. */
    static SSLContext fromKeystore(String file, String password) {
        char[] secret = password.toCharArray();
        KeyStore store;
        try (InputStream in = Files.newInputStream(Paths.get(file))) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, secret);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw problem(Keys.EXPORTER_TLS_KEYSTORE_PASSWORD, "wrong password for \"" + file + "\"");
            }
            throw problem(Keys.EXPORTER_TLS_KEYSTORE, "cannot read \"" + file + "\" as a PKCS12 keystore (" + e + ")");
        } catch (GeneralSecurityException e) {
            throw problem(Keys.EXPORTER_TLS_KEYSTORE, "cannot read \"" + file + "\" as a PKCS12 keystore (" + e + ")");
        }
        try {
            boolean hasServerKey = false;
            for (String alias : Collections.list(store.aliases())) {
                hasServerKey |= store.isKeyEntry(alias) && store.getCertificateChain(alias) != null;
            }
            if (!hasServerKey) {
                throw problem(Keys.EXPORTER_TLS_KEYSTORE, "\"" + file + "\" holds no private key with a certificate");
            }
            return context(store, secret);
        } catch (UnrecoverableKeyException e) {
            throw problem(Keys.EXPORTER_TLS_KEYSTORE_PASSWORD, "the private key in \"" + file
                    + "\" has a password other than the keystore's; the agent needs them to be the same");
        } catch (GeneralSecurityException e) {
            throw problem(Keys.EXPORTER_TLS_KEYSTORE, "cannot use \"" + file + "\" (" + e + ")");
        }
    }

    private static SSLContext context(KeyStore store, char[] password) throws GeneralSecurityException {
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

    private static List<X509Certificate> readCertificates(String file) {
        List<X509Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(Paths.get(file))) {
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) certificate);
            }
        } catch (IOException e) {
            throw problem(Keys.EXPORTER_TLS_CERT, "cannot read \"" + file + "\" (" + e + ")");
        } catch (CertificateException e) {
            throw problem(Keys.EXPORTER_TLS_CERT, "\"" + file + "\" is not a PEM certificate (" + e.getMessage() + ")");
        }
        if (chain.isEmpty()) {
            throw problem(Keys.EXPORTER_TLS_CERT, "no certificate in \"" + file + "\"");
        }
        return chain;
    }

    private static PrivateKey readPkcs8Key(String file, String algorithm) {
        String pem;
        try {
            pem = new String(Files.readAllBytes(Paths.get(file)), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw problem(Keys.EXPORTER_TLS_KEY, "cannot read \"" + file + "\" (" + e + ")");
        }
        int begin = pem.indexOf(PKCS8_BEGIN);
        int end = pem.indexOf(PKCS8_END, Math.max(begin, 0));
        if (begin < 0 || end < 0) {
            String convert = "; convert it with `openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key-pkcs8.pem`";
            if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
                throw problem(Keys.EXPORTER_TLS_KEY, "\"" + file + "\" is encrypted, the agent reads unencrypted"
                        + " PKCS#8 keys" + convert + ", or use " + Keys.EXPORTER_TLS_KEYSTORE.name() + " with a password");
            }
            if (pem.matches("(?s).*-----BEGIN [A-Z]+ PRIVATE KEY-----.*")) {
                throw problem(Keys.EXPORTER_TLS_KEY, "\"" + file + "\" is not PKCS#8 (BEGIN PRIVATE KEY)" + convert);
            }
            throw problem(Keys.EXPORTER_TLS_KEY, "no \"" + PKCS8_BEGIN + "\" block in \"" + file + "\"");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + PKCS8_BEGIN.length(), end));
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw problem(Keys.EXPORTER_TLS_KEY, "\"" + file + "\" holds no " + algorithm
                    + " private key for the certificate in " + Keys.EXPORTER_TLS_CERT.name() + " (" + e.getMessage() + ")");
        }
    }

    /** Signs with the key and verifies with the certificate's public key; unknown algorithms pass. */
    private static boolean belongTogether(PrivateKey key, PublicKey certified) {
        String algorithm;
        switch (certified.getAlgorithm()) {
            case "RSA": algorithm = "SHA256withRSA"; break;
            case "EC": algorithm = "SHA256withECDSA"; break;
            case "EdDSA": case "Ed25519": case "Ed448": algorithm = certified.getAlgorithm(); break;
            default: return true;
        }
        try {
            byte[] probe = "kube9 exporter key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (NoSuchAlgorithmException e) {
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static ConfigException problem(Key<?> key, String message) {
        return new ConfigException(key.name() + ": " + message);
    }
}
