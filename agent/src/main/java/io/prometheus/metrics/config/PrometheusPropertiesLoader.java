package io.prometheus.metrics.config;

import java.util.Map;

/**
 * The agent's replacement for client_java's loader of global Prometheus settings.
 *
 * <p>client_java reads {@code io.prometheus.*} system properties, {@code IO_PROMETHEUS_*}
 * environment variables and a {@code prometheus.properties} file as soon as
 * {@link PrometheusProperties} is first touched, and throws from that class's static
 * initialiser when one of them is invalid. Those settings belong to the service: they must
 * neither change the agent's metrics nor stop them (SPEC section 6). The agent builds every
 * metric and its exporter from an explicit configuration, so its copy of the library needs no
 * global settings at all: this class takes the original's place in the agent jar (the build
 * leaves the original out) and returns the library's defaults.
 */
public final class PrometheusPropertiesLoader {
    private PrometheusPropertiesLoader() {}

    /** The library's defaults; nothing global is read. */
    public static PrometheusProperties load() {
        return PrometheusProperties.builder().build();
    }

    /** The library's defaults; {@code properties} are ignored, as are all global settings. */
    public static PrometheusProperties load(Map<Object, Object> properties) {
        return load();
    }
}
