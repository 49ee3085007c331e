package io.kube9.agent.capture;

import io.kube9.agent.metrics.AgentMetrics;
import io.kube9.agent.metrics.ProjectionInstruments;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The instruments of the projections of one class: by the class's simple name, or, where {@code
 * kube9.projection.label} names accessors the class has, by what the projection object itself
 * says (a class whose instances each keep a view of their own: {@code new JdbcView("orders")}).
 * A class without such an accessor pays nothing for the option.
 */
final class ProjectionLabels {
    /** Labels kept per class at most; past them a new value is looked up each time (the label limit still holds). */
    private static final int MAX_KEPT = 1_000;

    private final String className;
    /** Made when first needed: a class whose every object names itself has no series by its name. */
    private volatile ProjectionInstruments byClass;
    private final Function<Object, Object> label;
    private final AgentMetrics metrics;
    private final Runnable onAccessorError;
    private final Map<String, ProjectionInstruments> byLabel;

    ProjectionLabels(Class<?> type, List<String> labelNames, AgentMetrics metrics, Runnable onAccessorError) {
        this.className = EventShape.simpleName(written(type));
        Function<Object, Object> accessor = labelNames.isEmpty() ? Accessor.MISSING : Accessor.resolve(type, labelNames);
        this.label = accessor == Accessor.MISSING ? null : accessor;
        this.metrics = metrics;
        this.onAccessorError = onAccessorError;
        this.byLabel = label == null ? null : new ConcurrentHashMap<>();
        if (label == null) {
            byClass = metrics.projection(className);
        }
    }

    /**
     * The class the service wrote, behind the subclasses frameworks generate and instantiate in its
     * place (Micronaut's {@code $AuditProjection$Definition$Intercepted}, Guice's {@code
     * AuditProjection$$EnhancerByGuice$$1}): synthetic, or named with {@code $$}, and named after
     * the class they extend. Their object is the projection, and the woven method, the class's own,
     * is reached through {@code super}. A compiler's class ({@code Scala's Foo$$anon$1}) is named
     * after where it was written, not after its superclass, and keeps its own name.
     */
    static Class<?> written(Class<?> type) {
        Class<?> written = type;
        while ((written.isSynthetic() || written.getName().contains("$$")) && namedAfterItsSuperclass(written)) {
            written = written.getSuperclass();
        }
        return written;
    }

    private static boolean namedAfterItsSuperclass(Class<?> type) {
        Class<?> superclass = type.getSuperclass();
        if (superclass == null || superclass == Object.class) {
            return false;
        }
        String own = type.getName().substring(type.getName().lastIndexOf('.') + 1);
        String base = superclass.getName().substring(superclass.getName().lastIndexOf('.') + 1);
        return own.startsWith(base + "$") || own.startsWith("$" + base + "$");
    }

    /** The instruments of this projection: {@code projection} is the object called, or its class for a static method. */
    ProjectionInstruments of(Object projection) {
        if (label == null) {
            return byClass;
        }
        if (projection instanceof Class) {
            return byClass();
        }
        String name;
        try {
            name = EventShape.label(label.apply(projection));
        } catch (Throwable t) {
            onAccessorError.run();
            return byClass();
        }
        if (name == null) {
            return byClass();
        }
        ProjectionInstruments instruments = byLabel.get(name);
        if (instruments == null) {
            instruments = metrics.projection(name);
            if (byLabel.size() < MAX_KEPT) {
                byLabel.putIfAbsent(name, instruments);
            }
        }
        return instruments;
    }

    private ProjectionInstruments byClass() {
        ProjectionInstruments instruments = byClass;
        if (instruments == null) {
            instruments = metrics.projection(className); // the same data points whoever asks first
            byClass = instruments;
        }
        return instruments;
    }
}
