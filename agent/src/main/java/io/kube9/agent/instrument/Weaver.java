package io.kube9.agent.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodTooLargeException;
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
    /** The most code bytes, local variable slots and operand stack entries a method can have. */
    private static final int MAX_U2 = 0xFFFF;
    /**
     * HotSpot compiles no method with more code bytes than this ({@code HugeMethodLimit}, with
     * {@code DontCompileHugeMethods} on by default): a method the advice takes past it would run
     * interpreted, 15 times slower in a measurement of a 7,950-byte projection.
     */
    private static final int JIT_LIMIT = 8000;

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
     *
     * <p>A method that the advice would take past a limit of the JVM (65535 bytes of code, local
     * variable slots or operand stack entries) is left as it is, and {@code leftAlone} told why:
     * woven, the class would not load at all. The class's other methods are woven.
     */
    byte[] weave(byte[] classFile, long matched, AtomicInteger instrumentedMethods, Consumer<String> leftAlone) {
        return weave(classFile, matched, instrumentedMethods, leftAlone, type -> false);
    }

    /**
     * As {@link #weave(byte[], long, AtomicInteger, Consumer)}; {@code aboutAnObject} tells, by
     * the internal name of a recorder's or store's event parameter type, that what it is handed is
     * what an event is about rather than an event (see {@link SiteAdvice}).
     */
    byte[] weave(byte[] classFile, long matched, AtomicInteger instrumentedMethods, Consumer<String> leftAlone,
            Predicate<String> aboutAnObject) {
        ClassReader reader = new ClassReader(classFile);
        String owner = reader.getClassName();
        Map<String, MethodFacts> methods = new HashMap<>();
        reader.accept(new ClassVisitor(ASM_API) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                long sites = targetsOf(access, name, matched);
                if (sites == 0) {
                    return null;
                }
                MethodFacts facts = new MethodFacts(sites, owner, descriptor);
                methods.put(name + descriptor, facts);
                return facts;
            }
        }, ClassReader.SKIP_DEBUG);
        String className = reader.getClassName().replace('/', '.');
        for (Iterator<Map.Entry<String, MethodFacts>> it = methods.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, MethodFacts> method = it.next();
            String past = method.getValue().limitPassed();
            if (past != null) {
                it.remove();
                leftAlone.accept(leftAlone(className, method.getKey(), past));
            }
        }
        int version = majorVersion(classFile);
        Map<String, Integer> codeBefore = new HashMap<>();
        char[] buffer = new char[reader.getMaxStringLength()];
        for (Map.Entry<String, Integer> code : codeAttributes(reader).entrySet()) {
            codeBefore.put(code.getKey(), reader.readInt(code.getValue() + 4));
            MethodFacts facts = methods.get(code.getKey());
            if (facts != null) {
                facts.entryLine = lineAtOffsetZero(reader, code.getValue(), buffer);
            }
        }
        while (!methods.isEmpty()) {
            byte[] result;
            try {
                result = write(reader, version, methods, aboutAnObject);
            } catch (MethodTooLargeException e) {
                String method = e.getMethodName() + e.getDescriptor();
                if (methods.remove(method) == null) {
                    throw e; // not one of ours (the class file was already past the limit)
                }
                leftAlone.accept(leftAlone(className, method,
                        "its code would take " + e.getCodeSize() + " bytes (the JVM allows 65535)"));
                continue;
            }
            Map<String, Integer> codeAfter = codeLengths(new ClassReader(result));
            boolean allCompiled = true;
            for (Map.Entry<String, Integer> method : codeAfter.entrySet()) {
                Integer before = codeBefore.get(method.getKey());
                if (before != null && before <= JIT_LIMIT && method.getValue() > JIT_LIMIT
                        && methods.remove(method.getKey()) != null) {
                    allCompiled = false;
                    leftAlone.accept(leftAlone(className, method.getKey(), "its code would take " + method.getValue()
                            + " bytes, more than the " + JIT_LIMIT + " the JIT compiles (HotSpot's "
                            + "DontCompileHugeMethods): it would run interpreted"));
                }
            }
            if (allCompiled) {
                instrumentedMethods.addAndGet(methods.size()); // the writer gives each a visitor: each is woven
                return result;
            }
        }
        return null;
    }

    /** @param method name and descriptor */
    private static String leftAlone(String className, String method, String why) {
        return className + "#" + method + " is left without advice: with it, " + why;
    }

    /** The length of the code of each method with code, by name and descriptor. */
    private static Map<String, Integer> codeLengths(ClassReader reader) {
        Map<String, Integer> lengths = new HashMap<>();
        codeAttributes(reader).forEach((method, code) -> lengths.put(method, reader.readInt(code + 4)));
        return lengths;
    }

    /**
     * The line of the instruction at offset 0 of a method's code ({@code code}: where its Code
     * attribute's contents begin), or -1 if it has none.
     */
    private static int lineAtOffsetZero(ClassReader reader, int code, char[] buffer) {
        int offset = code + 8 + reader.readInt(code + 4); // max_stack, max_locals, code_length, code
        offset += 2 + 8 * reader.readUnsignedShort(offset); // exception_table
        int attributes = reader.readUnsignedShort(offset);
        offset += 2;
        for (int i = 0; i < attributes; i++) {
            if (reader.readUTF8(offset, buffer).equals("LineNumberTable")) {
                for (int entry = 0, entries = reader.readUnsignedShort(offset + 6); entry < entries; entry++) {
                    if (reader.readUnsignedShort(offset + 8 + 4 * entry) == 0) { // start_pc, line_number
                        return reader.readUnsignedShort(offset + 10 + 4 * entry);
                    }
                }
            }
            offset += 6 + reader.readInt(offset + 2);
        }
        return -1;
    }

    /** Where the contents of each method's Code attribute begin, by name and descriptor. */
    private static Map<String, Integer> codeAttributes(ClassReader reader) {
        Map<String, Integer> codes = new HashMap<>();
        char[] buffer = new char[reader.getMaxStringLength()];
        int offset = reader.header + 6; // access_flags, this_class, super_class
        offset += 2 + 2 * reader.readUnsignedShort(offset); // interfaces
        int fields = reader.readUnsignedShort(offset);
        offset += 2;
        for (int i = 0; i < fields; i++) { // access_flags, name, descriptor, attributes
            offset = skipAttributes(reader, offset + 8, reader.readUnsignedShort(offset + 6));
        }
        int methods = reader.readUnsignedShort(offset);
        offset += 2;
        for (int i = 0; i < methods; i++) {
            String method = reader.readUTF8(offset + 2, buffer) + reader.readUTF8(offset + 4, buffer);
            int attributes = reader.readUnsignedShort(offset + 6);
            offset += 8;
            for (int j = 0; j < attributes; j++) {
                if (reader.readUTF8(offset, buffer).equals("Code")) {
                    codes.put(method, offset + 6);
                }
                offset += 6 + reader.readInt(offset + 2);
            }
        }
        return codes;
    }

    private static int skipAttributes(ClassReader reader, int offset, int count) {
        for (int i = 0; i < count; i++) {
            offset += 6 + reader.readInt(offset + 2);
        }
        return offset;
    }

    /**
     * The interface a generated class is named after ({@code LedgerEventStore} for {@code
     * LedgerEventStore$Intercepted}, whatever order its interfaces come in), else its first.
     */
    static String namedAfter(String name, String[] interfaces) {
        for (String type : interfaces) {
            if (name.startsWith(type + "$")) {
                return type;
            }
        }
        return interfaces[0];
    }

    private byte[] write(ClassReader reader, int version, Map<String, MethodFacts> methods,
            Predicate<String> aboutAnObject) {
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(ASM_API, writer) {
            private String owner;
            /** The class the journal's source names: a proxy by its first interface ($Proxy12 says nothing). */
            private String sourceClass;

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                owner = name;
                // in the JDK's package for proxies or in its interface's own (a package-private one)
                sourceClass = "java/lang/reflect/Proxy".equals(superName) && interfaces != null
                        && interfaces.length > 0 ? interfaces[0] : name;
                String companionOwner = KotlinNames.companionOwner(name);
                if (companionOwner != null) {
                    sourceClass = companionOwner; // its functions are the class's
                }
                String generatedFrom = Instrumenter.generatedFrom(name);
                if (generatedFrom != null) {
                    sourceClass = generatedFrom; // LedgerEventStore$$QuarkusRestClientInterface: the client's interface
                } else if ((access & Opcodes.ACC_SYNTHETIC) != 0 && "java/lang/Object".equals(superName)
                        && interfaces != null && interfaces.length > 0) {
                    sourceClass = namedAfter(name, interfaces); // Micronaut's LedgerEventStore$Intercepted
                }
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
                int entryLine = facts.entryLine; // the first advice's entry comes first in the code
                for (int index = 0; index < Long.SIZE; index++) {
                    if ((facts.targets & (1L << index)) != 0) {
                        Site site = targets.get(index).site();
                        String eventType = EventParameter.typeName(descriptor);
                        next = new SiteAdvice(next, site, index, owner, sourceClass, access, name, descriptor,
                                base, frames, version >= JAVA_5, entryLine, facts.ownContinuation(),
                                site != Site.PROJECTION && eventType != null && aboutAnObject.test(eventType));
                        base += SiteAdvice.slots(site, descriptor);
                        entryLine = -1;
                    }
                }
                return next;
            }
        }, ClassReader.EXPAND_FRAMES);
        return writer.toByteArray(); // throws for a method grown past 64 KiB
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
        new Weaver(targets, "handle").weave(classFile, all, new AtomicInteger(), reason -> { });
    }

    /**
     * Of the targets of one site that a method matches, the last only. A preset's targets come
     * after the conventional ones and are the more specific (an Axon storage engine is also an
     * {@code *EventStorageEngine}); with an advice for each, the inner one, the conventional
     * target's, counted the call with its accessors ({@code event_type} the message's class
     * instead of Axon's payload type). One call counts once whatever advises it.
     */
    private long lastOfEachSite(long sites) {
        long kept = 0;
        int sitesSeen = 0;
        for (int index = Long.SIZE - 1; index >= 0; index--) {
            if ((sites & (1L << index)) != 0) {
                int site = 1 << targets.get(index).site().ordinal();
                if ((sitesSeen & site) == 0) {
                    sitesSeen |= site;
                    kept |= 1L << index;
                }
            }
        }
        return kept;
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
            if ((matched & (1L << index)) != 0 && targets.get(index).methods().contains(KotlinNames.methodName(name))) {
                sites |= 1L << index;
            }
        }
        return lastOfEachSite(sites);
    }

    private static int majorVersion(byte[] classFile) {
        return ((classFile[6] & 0xFF) << 8) | (classFile[7] & 0xFF);
    }

    /** What the first pass learns of one method to weave. */
    private final class MethodFacts extends MethodVisitor {
        final long targets;
        final String descriptor;
        private final String continuationPrefix;
        int maxLocals;
        int maxStack;
        boolean hasFrames;
        /** The line of the method's first instruction, or -1. */
        int entryLine = -1;
        /** A suspend function's first {@code instanceof} of a class nested in its own: its state machine's, maybe. */
        private String testedContinuation;
        /** Set once that class's {@code label} is read too: the method's own state machine. */
        private String ownContinuation;

        MethodFacts(long targets, String owner, String descriptor) {
            super(ASM_API);
            this.targets = targets;
            this.descriptor = descriptor;
            this.continuationPrefix = EventParameter.isSuspending(descriptor) ? owner + "$" : null;
        }

        /**
         * For a Kotlin suspend function with a state machine, the internal name of its
         * continuation class (such as {@code shop/OrderStore$append$1}), else null. The compiled
         * function begins by testing whether the continuation it was given is one of its own
         * with {@code instanceof} and reading its {@code label}; a suspend function that only
         * tail-calls another, or never suspends, has none.
         */
        String ownContinuation() {
            return ownContinuation;
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            if (continuationPrefix != null && testedContinuation == null && opcode == Opcodes.INSTANCEOF
                    && type.startsWith(continuationPrefix)) {
                testedContinuation = type;
            }
        }

        @Override
        public void visitFieldInsn(int opcode, String fieldOwner, String name, String fieldDescriptor) {
            if (ownContinuation == null && testedContinuation != null && opcode == Opcodes.GETFIELD
                    && fieldOwner.equals(testedContinuation) && name.equals("label") && fieldDescriptor.equals("I")) {
                ownContinuation = testedContinuation;
            }
        }

        /** What the advice would take past the JVM's limit of 65535, or null. */
        String limitPassed() {
            long locals = maxLocals + (long) SiteAdvice.scratchSlots(descriptor);
            long stack = maxStack;
            for (int index = 0; index < Long.SIZE; index++) {
                if ((targets & (1L << index)) != 0) {
                    locals += SiteAdvice.slots(Weaver.this.targets.get(index).site(), descriptor);
                    stack += SiteAdvice.extraStack(descriptor);
                }
            }
            if (locals > MAX_U2) {
                return "it would need " + locals + " local variable slots (the JVM allows 65535)";
            }
            return stack > MAX_U2 ? "its operand stack would need " + stack + " entries (the JVM allows 65535)" : null;
        }

        @Override
        public void visitFrame(int type, int localCount, Object[] locals, int stackCount, Object[] stack) {
            hasFrames = true;
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            this.maxStack = maxStack;
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
