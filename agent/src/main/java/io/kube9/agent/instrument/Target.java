package io.kube9.agent.instrument;

import io.kube9.agent.capture.AccessorNames;
import java.util.List;

/**
 * One thing to intercept: a site, the type patterns and method names that select it, the
 * accessors that read attributes from its events and, for projections, an optional fixed
 * label. Immutable; its index in {@link Targets#all()} is baked into the advice.
 */
public final class Target {
    private final Site site;
    private final List<String> typePatterns;
    private final List<String> methods;
    private final AccessorNames accessors;
    private final String projectionName;

    public Target(Site site, List<String> typePatterns, List<String> methods, AccessorNames accessors,
            String projectionName) {
        this.site = site;
        this.typePatterns = List.copyOf(typePatterns);
        this.methods = List.copyOf(methods);
        this.accessors = accessors;
        this.projectionName = projectionName;
    }

    public Site site() {
        return site;
    }

    public List<String> typePatterns() {
        return typePatterns;
    }

    public List<String> methods() {
        return methods;
    }

    public AccessorNames accessors() {
        return accessors;
    }

    /** A fixed projection label, or null to use the projection's simple class name. */
    public String projectionName() {
        return projectionName;
    }

    @Override
    public String toString() {
        return site.label() + " " + typePatterns + " " + methods;
    }
}
