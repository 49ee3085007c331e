package io.kube9.agent.config;

import java.util.Map;
import java.util.Properties;

/** Configurations for tests in other packages, built from agent arguments only (no JVM or environment state). */
public final class TestConfigs {
    private TestConfigs() {}

    public static AgentConfig defaults() {
        return fromAgentArgs("");
    }

    public static AgentConfig fromAgentArgs(String agentArgs) {
        return ConfigLoader.load(agentArgs, new Properties(), Map.of());
    }
}
