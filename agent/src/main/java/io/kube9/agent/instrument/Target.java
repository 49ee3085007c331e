package io.kube9.agent.instrument;

import io.kube9.agent.capture.AccessorNames;
import java.util.List;

/**
 * One thing to intercept: a site, the type patterns and method names that select it, the
 * accessors that read attributes from its events and, for projections, the accessors that read
 * the projection's label from the projection itself. Immutable; its index in {@link Targets#all()} is baked into the advice.
 */
public final class Target {
    private final Site site;
    private final List<String> typePatterns;
    private final List<String> methods;
    private final AccessorNames accessors;
    private final List<String> projectionLabel;

    /** @param projectionLabel accessor names read from a projection for its label; null or empty: none */
    public Target(Site site, List<String> typePatterns, List<String> methods, AccessorNames accessors,
            List<String> projectionLabel) {
        this.site = site;
        this.typePatterns = List.copyOf(typePatterns);
        this.methods = List.copyOf(methods);
        this.accessors = accessors;
        this.projectionLabel = projectionLabel == null ? List.of() : List.copyOf(projectionLabel);
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

    /**
     * Accessor names read from the projection object for its label, in order; empty (or none
     * giving a value) for the projection's simple class name.
     */
    public List<String> projectionLabel() {
        return projectionLabel;
    }

    @Override
    public String toString() {
        return site.label() + " " + typePatterns + " " + methods;
    }
}
