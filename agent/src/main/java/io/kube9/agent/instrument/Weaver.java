package io.kube9.agent.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Writes the advice into a site class: ASM reads the class file, {@link SiteAdvice} rewrites the
 * matching methods on the way through, ASM writes it back; every other method is copied as it
 * was.
 *
 * <p>The advice is a few instructions written by hand rather than Byte Buddy's {@code Advice}
 * (issue 5): building {@code Advice} for three sites loaded and verified ~525 classes, 300-470
 * ms in a fresh JVM, and the service's first site class had to wait for it. ASM (Byte Buddy's
 * copy of it) is the only part of Byte Buddy left, in the jar and at start-up: a few dozen
 * classes. A class file newer than that ASM reads is left as it is (a transformation error).
 *
 * <p>Two passes over a site class: the first finds the matching methods and each one's
 * {@code max_locals} (the advice's variables go above it) and whether it has stack map frames;
 * the second writes.
 */
final class Weaver {
    static final int ASM_API = Opcodes.ASM9;

    private static final int JAVA_5 = 49;
    private static final int JAVA_6 = 50;
    private static final int JAVA_7 = 51;

    private final Targets targets;
    /** Set only to warm up: the one method woven, for every target. */
    private final String warmUpMethod;

    Weaver(Targets targets) {
        this(targets, null);
    }

    private Weaver(Targets targets, String warmUpMethod) {
        this.targets = targets;
        this.warmUpMethod = warmUpMethod;
    }

    /**
     * The site class with the advice of every target in {@code matched} (a bit per target index:
     * a class that is two kinds of site gets both), or null when no method of it matches.
     */
    byte[] weave(byte[] classFile, long matched, AtomicInteger instrumentedMethods) {
        ClassReader reader = new ClassReader(classFile);
        Map<String, MethodFacts> methods = new HashMap<>();
        reader.accept(new ClassVisitor(ASM_API) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                long sites = targetsOf(access, name, matched);
                if (sites == 0) {
                    return null;
                }
                MethodFacts facts = new MethodFacts(sites);
                methods.put(name + descriptor, facts);
                return facts;
            }
        }, ClassReader.SKIP_DEBUG);
        if (methods.isEmpty()) {
            return null;
        }
        int version = majorVersion(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(ASM_API, writer) {
            private String owner;

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                owner = name;
                super.visit(version, access, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                MethodFacts facts = methods.get(name + descriptor);
                if (facts == null || next == null) {
                    return next;
                }
                boolean frames = version >= JAVA_7 || (version == JAVA_6 && facts.hasFrames);
                int base = facts.maxLocals;
                for (int index = 0; index < Long.SIZE; index++) {
                    if ((facts.targets & (1L << index)) != 0) {
                        Site site = targets.get(index).site();
                        next = new SiteAdvice(next, site, index, owner, access, name, descriptor, base, frames,
                                version >= JAVA_5);
                        base += SiteAdvice.slots(site);
                    }
                }
                return next;
            }
        }, ClassReader.EXPAND_FRAMES);
        byte[] result = writer.toByteArray(); // throws for a method grown past 64 KiB: nothing counted
        instrumentedMethods.addAndGet(methods.size()); // the writer gives each a visitor: each is woven
        return result;
    }

    /** Weaves every site's advice into {@link WarmUp} and throws the result away: loads ASM early. */
    void warmUp() throws IOException {
        byte[] classFile;
        String resource = WarmUp.class.getName().replace('.', '/') + ".class";
        try (InputStream in = WarmUp.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return;
            }
            classFile = in.readAllBytes();
        }
        int count = targets.all().size();
        long all = count == Long.SIZE ? -1L : (1L << count) - 1;
        new Weaver(targets, "handle").weave(classFile, all, new AtomicInteger());
    }

    /** The targets (of those matched by the class) whose methods include this one. */
    private long targetsOf(int access, String name, long matched) {
        if (warmUpMethod != null) {
            return name.equals(warmUpMethod) ? matched : 0;
        }
        if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE | Opcodes.ACC_SYNTHETIC)) != 0
                || name.equals("<init>") || name.equals("<clinit>")) {
            return 0;
        }
        long sites = 0;
        for (int index = 0; index < Long.SIZE; index++) {
            if ((matched & (1L << index)) != 0 && targets.get(index).methods().contains(name)) {
                sites |= 1L << index;
            }
        }
        return sites;
    }

    private static int majorVersion(byte[] classFile) {
        return ((classFile[6] & 0xFF) << 8) | (classFile[7] & 0xFF);
    }

    /** What the first pass learns of one method to weave. */
    private static final class MethodFacts extends MethodVisitor {
        final long targets;
        int maxLocals;
        boolean hasFrames;

        MethodFacts(long targets) {
            super(ASM_API);
            this.targets = targets;
        }

        @Override
        public void visitFrame(int type, int localCount, Object[] locals, int stackCount, Object[] stack) {
            hasFrames = true;
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            this.maxLocals = maxLocals;
        }
    }

    /** Never loaded: its class file is only woven once, to load ASM's reader and writer early. */
    static final class WarmUp {
        private WarmUp() {}

        @SuppressWarnings("unused")
        void handle(Object event) {
            if (event == null) {
                throw new IllegalArgumentException();
            }
        }
    }
}
