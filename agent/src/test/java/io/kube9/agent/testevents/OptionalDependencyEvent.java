package io.kube9.agent.testevents;

/**
 * An event class one of whose methods names a class of an optional dependency (as the official
 * Kubernetes client's models name Gson's): loaded where that class is missing, reflection on it
 * fails as a whole.
 */
public class OptionalDependencyEvent {
    public String eventType() {
        return "from-an-accessor";
    }

    public static OptionalDependency toJson(OptionalDependencyEvent event) {
        return new OptionalDependency();
    }

    /** The optional dependency. */
    public static class OptionalDependency {}
}
