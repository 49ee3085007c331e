package io.kube9.agent.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The agent's version, written into the jar at build time. */
public final class Version {
    private Version() {}

    public static String current() {
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown"
        }
        return properties.getProperty("version", "unknown");
    }
}
