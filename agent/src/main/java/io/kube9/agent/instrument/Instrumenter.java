package io.kube9.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.is;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.lang.instrument.Instrumentation;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs the advice of every {@link Target} with Byte Buddy. Already-loaded classes are
 * retransformed, which is what makes runtime attach work.
 */
public final class Instrumenter {
    /** Never instrumented, whatever a pattern says: the JDK, us, and other agents. */
    private static final String[] IGNORED_PACKAGES = {
        "java.", "javax.", "jdk.", "sun.", "com.sun.", "net.bytebuddy.", "io.kube9.agent.",
        "org.sqlite.", "picocli.", "io.prometheus.metrics.",
        "io.opentelemetry.javaagent.", "co.elastic.apm.agent.", "com.newrelic.", "datadog.trace.",
        "com.datadoghq.", "io.prometheus.jmx.", "org.glowroot.", "org.jacoco.agent."
    };

    private static final String NEXUS_DISABLED = "net.bytebuddy.nexus.disabled";

    private final Targets targets;
    private final AtomicInteger instrumentedMethods = new AtomicInteger();
    private final AtomicLong transformationErrors = new AtomicLong();
    private final Consumer<String> warn;

    public Instrumenter(Targets targets, Consumer<String> warn) {
        this.targets = targets;
        this.warn = warn;
    }

    public ResettableClassFileTransformer install(Instrumentation instrumentation, ClassLoader agentLoader) {
        ElementMatcher.Junction<TypeDescription> ignoredNames = nameStartsWith(IGNORED_PACKAGES[0]);
        for (int i = 1; i < IGNORED_PACKAGES.length; i++) {
            ignoredNames = ignoredNames.or(nameStartsWith(IGNORED_PACKAGES[i]));
        }
        AgentBuilder builder = newAgentBuilder()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.RedefinitionStrategy.Listener.ErrorEscalating.FAIL_LAST)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(new ErrorListener())
                .ignore(ignoredNames.or(isSynthetic()),
                        isBootstrapClassLoader().or(is(ClassLoader.getPlatformClassLoader())).or(is(agentLoader)));

        for (int index = 0; index < targets.all().size(); index++) {
            Target target = targets.get(index);
            ElementMatcher.Junction<MethodDescription> methods = isMethod()
                    .and(namedOneOf(target.methods().toArray(new String[0])))
                    .and(not(isAbstract())).and(not(isNative())).and(not(isBridge())).and(not(isSynthetic()));
            Advice advice = Advice.withCustomMapping()
                    .bind(TargetIndex.class, (Object) index)
                    .bind(EventArgument.class, EventArgumentMapping.INSTANCE)
                    .bind(Source.class, SourceMapping.INSTANCE)
                    .to(adviceClass(target.site()));
            builder = builder.type(hasSuperType(TypePatterns.matcher(target.typePatterns())))
                    .transform((DynamicType.Builder<?> type, TypeDescription description, ClassLoader loader,
                                    JavaModule module, java.security.ProtectionDomain domain) -> {
                        instrumentedMethods.addAndGet(description.getDeclaredMethods().filter(methods).size());
                        return type.visit(advice.on(methods));
                    }); // not terminal: a class that is two kinds of site gets both advices

        }
        return builder.installOn(instrumentation);
    }

    /**
     * Byte Buddy's default initialisation strategy sets up its "Nexus" on first use: it injects
     * a class into the application's system class loader and probes {@code sun.misc.Unsafe}
     * (a warning on JDK 24+). The agent uses none of that ({@code InitializationStrategy.NoOp}),
     * so Byte Buddy's own switch is set while our copy initialises, then put back: the
     * application's copy of Byte Buddy, if any, reads it for itself.
     */
    private static AgentBuilder newAgentBuilder() {
        String previous = System.getProperty(NEXUS_DISABLED);
        System.setProperty(NEXUS_DISABLED, "true");
        try {
            return new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED));
        } finally {
            if (previous == null) {
                System.clearProperty(NEXUS_DISABLED);
            } else {
                System.setProperty(NEXUS_DISABLED, previous);
            }
        }
    }

    private static Class<?> adviceClass(Site site) {
        switch (site) {
            case RECORDER: return RecorderAdvice.class;
            case STORE: return StoreAdvice.class;
            default: return ProjectionAdvice.class;
        }
    }

    /** Methods that received advice so far (per transformation; a retransformation counts again). */
    public int instrumentedMethods() {
        return instrumentedMethods.get();
    }

    public long transformationErrors() {
        return transformationErrors.get();
    }

    private final class ErrorListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                Throwable throwable) {
            // Unresolvable supertypes are normal (optional dependencies); count them, say a few.
            if (transformationErrors.incrementAndGet() <= 3) {
                warn.accept("could not instrument " + typeName + ": " + throwable);
            }
        }
    }
}
