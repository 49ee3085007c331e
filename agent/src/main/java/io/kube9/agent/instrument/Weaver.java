package io.kube9.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Writes the advice into a site class: ASM reads the class file, each target's {@link Advice}
 * rewrites the matching methods on the way through, ASM writes it back. This is what Byte
 * Buddy's {@code decorate} does, minus its type writer, which (with the {@code ByteBuddy}
 * object itself) would load a few hundred more classes for nothing the advice needs.
 *
 * <p>Building the advice is still the costly part of the instrumentation, so it happens on the
 * agent's start-up thread while the service starts, and a warm-up weave of a class of our own
 * loads the rest before the first real site needs it.
 */
final class Weaver {
    private final Advice[] advice;
    private final ElementMatcher.Junction<MethodDescription>[] methods;

    @SuppressWarnings("unchecked")
    Weaver(Targets targets) {
        int count = targets.all().size();
        advice = new Advice[count];
        methods = new ElementMatcher.Junction[count];
        for (int index = 0; index < count; index++) {
            Target target = targets.get(index);
            methods[index] = methods(target);
            advice[index] = advice(adviceClass(target.site()), index);
        }
    }

    /**
     * One target's advice. The index is bound as an {@code int} constant rather than as an
     * {@code Object}: that path sets up Byte Buddy's {@code JavaConstant} dispatchers, several
     * proxy classes more on the start-up path.
     */
    static Advice advice(Class<?> adviceClass, int index) {
        return Advice.withCustomMapping()
                .bind(TargetIndex.class, IntegerConstant.forValue(index), int.class)
                .bind(EventArgument.class, EventArgumentMapping.INSTANCE)
                .bind(Source.class, SourceMapping.INSTANCE)
                .to(adviceClass);
    }

    /** The methods of a site that get the target's advice. */
    static ElementMatcher.Junction<MethodDescription> methods(Target target) {
        return isMethod()
                .and(namedOneOf(target.methods().toArray(new String[0])))
                .and(not(isAbstract())).and(not(isNative())).and(not(isBridge())).and(not(isSynthetic()));
    }

    /**
     * The site class with the advice of every target in {@code matched} (a bit per target index:
     * a class that is two kinds of site gets both advices).
     */
    byte[] weave(TypeDescription type, byte[] classFile, TypePool pool, long matched, AtomicInteger instrumentedMethods) {
        List<AsmVisitorWrapper> wrappers = new ArrayList<>();
        for (int index = 0; index < advice.length; index++) {
            if ((matched & (1L << index)) != 0) {
                instrumentedMethods.addAndGet(type.getDeclaredMethods().filter(methods[index]).size());
                wrappers.add(advice[index].on(methods[index]));
            }
        }
        return weave(type, classFile, pool, new AsmVisitorWrapper.Compound(wrappers));
    }

    /** Weaves every advice into {@link WarmUp} and throws the result away: only the classes loaded count. */
    void warmUp() throws IOException {
        ClassFileLocator locator = ClassFileLocator.ForClassLoader.of(WarmUp.class.getClassLoader());
        TypePool pool = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(), locator,
                TypePool.Default.ReaderMode.FAST);
        TypeDescription type = pool.describe(WarmUp.class.getName()).resolve();
        List<AsmVisitorWrapper> wrappers = new ArrayList<>();
        for (Advice each : advice) {
            wrappers.add(each.on(named("handle")));
        }
        weave(type, locator.locate(WarmUp.class.getName()).resolve(), pool, new AsmVisitorWrapper.Compound(wrappers));
    }

    private static byte[] weave(TypeDescription type, byte[] classFile, TypePool pool, AsmVisitorWrapper wrapper) {
        int writerFlags = wrapper.mergeWriter(0);
        int readerFlags = wrapper.mergeReader(0);
        ClassReader reader = OpenedClassReader.of(classFile);
        ClassWriter writer = new ClassWriter(reader, writerFlags);
        ClassFileVersion version = ClassFileVersion.ofClassFile(classFile);
        Implementation.Context.FrameGeneration frames = !version.isAtLeast(ClassFileVersion.JAVA_V6)
                ? Implementation.Context.FrameGeneration.DISABLED
                : (readerFlags & ClassReader.EXPAND_FRAMES) != 0
                        ? Implementation.Context.FrameGeneration.EXPAND
                        : Implementation.Context.FrameGeneration.GENERATE;
        // Advice inlines its code: it never needs the context's auxiliary types or cached fields.
        Implementation.Context context = new Implementation.Context.Disabled(type, version, frames) {};
        ClassVisitor visitor = wrapper.wrap(type, writer, context, pool, type.getDeclaredFields(),
                type.getDeclaredMethods(), writerFlags, readerFlags);
        reader.accept(visitor, readerFlags);
        return writer.toByteArray();
    }

    private static Class<?> adviceClass(Site site) {
        switch (site) {
            case RECORDER: return RecorderAdvice.class;
            case STORE: return StoreAdvice.class;
            default: return ProjectionAdvice.class;
        }
    }

    /** Never loaded: its class file is only woven once, to load Byte Buddy's writer early. */
    static final class WarmUp {
        private WarmUp() {}

        @SuppressWarnings("unused")
        void handle(Object event) {}
    }
}
