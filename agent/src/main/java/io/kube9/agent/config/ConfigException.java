package io.kube9.agent.config;

/** A configuration value that cannot be used; the message names the key and the value. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    static ConfigException badValue(String key, String expected, String found) {
        return new ConfigException(key + ": expected " + expected + ", found \"" + found + "\"");
    }
}
