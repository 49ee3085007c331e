package io.kube9.agent.capture;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A compiled accessor: a tiny hidden class, defined next to the event's class, whose
 * {@code apply(event)} is {@code return ((EventClass) event).name();} (or reads the field).
 *
 * <p>Why: a {@code MethodHandle} held in a field is not a constant to the JIT, so each read
 * through it costs ~4-8 ns here, six reads per event; a class of its own is an ordinary call
 * that the JIT inlines the getter into (~1-2 ns). Hidden classes (JDK 15+) belong to the event's
 * package and loader, so they reach package-private classes, yet no one can find them by name
 * and they leave the application's class loader as it was (they go when the event class goes).
 * On JDK 11, or where the event's package is not open to the agent (a named module the agent
 * could not open, see {@link PackageOpener}), or for a member the event's package cannot call,
 * {@link #define} returns null and the caller keeps its method handle.
 */
final class AccessorClass {
    private static final Method DEFINE_HIDDEN = defineHidden();
    private static final Method IS_HIDDEN = isHiddenMethod();
    private static final Object NO_OPTIONS = DEFINE_HIDDEN == null
            ? null
            : Array.newInstance(DEFINE_HIDDEN.getParameterTypes()[2].getComponentType(), 0);

    /** The class, in each package that has events, that gives us a full lookup in it ({@link #anchor}). */
    static final String ANCHOR = "Kube9$Lookup";
    private static final int PRIVATE_AND_MODULE = MethodHandles.Lookup.PRIVATE | MethodHandles.Lookup.MODULE;
    /** Per event class: a lookup with full privilege in its package, or none to be had. */
    private static final ClassValue<Optional<MethodHandles.Lookup>> IN_PACKAGE = new ClassValue<>() {
        @Override
        protected Optional<MethodHandles.Lookup> computeValue(Class<?> type) {
            try {
                return Optional.of(fullLookupIn(type));
            } catch (Throwable notHere) {
                return Optional.empty(); // a named module that does not open the package, ...
            }
        }
    };

    /** The accessors defined for each event class, by member: held as long as the class lives, no longer. */
    private static final ClassValue<Map<Member, Function<Object, Object>>> DEFINED = new ClassValue<>() {
        @Override
        protected Map<Member, Function<Object, Object>> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private AccessorClass() {}

    /**
     * A lookup with full privilege (private and module access) in the package of {@code type}:
     * {@code defineHiddenClass} takes no less. {@code privateLookupIn} gives one only to a caller
     * of the same module, and the agent's classes are in the unnamed module of its own loader,
     * not in the application's: what it gives us (private access, no module access) lets us define
     * an ordinary class there, but no hidden one. So a tiny class of ours, {@value #ANCHOR}, is
     * defined once in each package (and loader) that has events, and its one private method
     * returns {@code MethodHandles.lookup()}, which is full in its own package. Without it every
     * attribute was read through a method handle in a real service (the tests, which share the
     * agent's loader, had the compiled accessors): ~4-8 ns a read instead of ~1-2.
     */
    private static MethodHandles.Lookup fullLookupIn(Class<?> type) throws Throwable {
        MethodHandles.Lookup ours = MethodHandles.lookup();
        PackageOpener.openToAgent(type);
        MethodHandles.Lookup inPackage = MethodHandles.privateLookupIn(type, ours);
        if ((inPackage.lookupModes() & PRIVATE_AND_MODULE) == PRIVATE_AND_MODULE) {
            return inPackage; // a class of our own module (the tests')
        }
        Class<?> anchor = anchor(inPackage, type);
        return (MethodHandles.Lookup) MethodHandles.privateLookupIn(anchor, ours)
                .findStatic(anchor, "lookup", MethodType.methodType(MethodHandles.Lookup.class)).invoke();
    }

    /**
     * The {@value #ANCHOR} of {@code type}'s package in {@code type}'s loader: defined by the first
     * event class of the package, found by the others (their definition fails as a duplicate).
     * Defined before it is looked for: a look-up through the loader would find the anchor of a
     * parent loader with a package of the same name (another runtime package, not ours to use),
     * and make the loader the initiating loader of that name, which refuses our own definition.
     */
    private static Class<?> anchor(MethodHandles.Lookup inPackage, Class<?> type) throws Exception {
        String name = type.getPackageName().isEmpty() ? ANCHOR : type.getPackageName() + "." + ANCHOR;
        ClassLoader loader = type.getClassLoader();
        Class<?> anchor;
        try {
            anchor = inPackage.defineClass(anchorBytes(name.replace('.', '/')));
        } catch (LinkageError definedBefore) { // for another class of the package, or by another thread
            anchor = definedBy(loader, name);
        }
        if (anchor == null) {
            throw new IllegalStateException(name + " is not " + loader + "'s own");
        }
        return anchor;
    }

    private static Class<?> definedBy(ClassLoader loader, String name) {
        try {
            Class<?> found = Class.forName(name, false, loader);
            return found.getClassLoader() == loader ? found : null;
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** Whether this JVM can define hidden classes (JDK 15+). */
    static boolean supported() {
        return DEFINE_HIDDEN != null;
    }

    /**
     * A compiled reader of {@code member} (a no-argument method or a field) on instances of
     * {@code type}, or null when one cannot be defined here.
     */
    static Function<Object, Object> define(Class<?> type, Member member) {
        if (DEFINE_HIDDEN == null || !eligible(type, member)) {
            return null;
        }
        // One per member and event class, whichever sites read it: each site has a shape of the
        // class of its own, and three sites made three classes for each attribute.
        Map<Member, Function<Object, Object>> defined = DEFINED.get(type);
        Function<Object, Object> accessor = defined.get(member);
        if (accessor == null) {
            accessor = defineNew(type, member);
            if (accessor != null) {
                Function<Object, Object> first = defined.putIfAbsent(member, accessor);
                accessor = first != null ? first : accessor;
            }
        }
        return accessor;
    }

    @SuppressWarnings("unchecked")
    private static Function<Object, Object> defineNew(Class<?> type, Member member) {
        try {
            MethodHandles.Lookup inEventPackage = IN_PACKAGE.get(type).orElse(null);
            if (inEventPackage == null) {
                return null;
            }
            byte[] bytes = bytes(type, member);
            MethodHandles.Lookup hidden =
                    (MethodHandles.Lookup) DEFINE_HIDDEN.invoke(inEventPackage, bytes, true, NO_OPTIONS);
            Class<?> accessor = hidden.lookupClass();
            return (Function<Object, Object>) hidden.findConstructor(accessor, MethodType.methodType(void.class))
                    .invoke();
        } catch (Throwable notHere) {
            return null; // a named module that does not open the package, a verifier's objection, ...
        }
    }

    /**
     * Public members, and package-private ones of a class in the event's own package and loader,
     * reached through the event's own class: such members of any superclass (or public ones of an
     * interface) resolve through it, and the event's package can always name its own class.
     * Arrays, primitives, hidden classes and {@code java.*} have no package for us.
     */
    private static boolean eligible(Class<?> type, Member member) {
        if (type.isArray() || type.isPrimitive() || type.getName().startsWith("java.") || isHidden(type)) {
            return false;
        }
        int modifiers = member.getModifiers();
        if (Modifier.isStatic(modifiers) || Modifier.isPrivate(modifiers)) {
            return false;
        }
        Class<?> declaring = member.getDeclaringClass();
        if (!Modifier.isPublic(modifiers) && (declaring.getClassLoader() != type.getClassLoader()
                || !declaring.getPackageName().equals(type.getPackageName()))) {
            return false;
        }
        return member instanceof Method ? ((Method) member).getParameterCount() == 0 : member instanceof Field;
    }

    private static boolean isHidden(Class<?> type) {
        try {
            return IS_HIDDEN != null && (Boolean) IS_HIDDEN.invoke(type);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private static Method isHiddenMethod() {
        try {
            return Class.class.getMethod("isHidden");
        } catch (NoSuchMethodException e) {
            return null; // JDK 11-14: no hidden classes, and define() is not used there
        }
    }

    private static Method defineHidden() {
        try {
            Class<?> option = Class.forName("java.lang.invoke.MethodHandles$Lookup$ClassOption");
            return MethodHandles.Lookup.class.getMethod("defineHiddenClass", byte[].class, boolean.class,
                    Array.newInstance(option, 0).getClass());
        } catch (ReflectiveOperationException e) {
            return null; // JDK 11-14
        }
    }

    // ---- the class file -------------------------------------------------------------------------

    private static final int CLASS = 7;
    private static final int FIELD_REF = 9;
    private static final int METHOD_REF = 10;
    private static final int NAME_AND_TYPE = 12;
    private static final int UTF8 = 1;

    /**
     * A version 52 class file (no stack map frames needed: the code has no branches).
     * {@code final class <EventClass>$Kube9Read implements java.util.function.Function}.
     */
    static byte[] bytes(Class<?> type, Member member) throws IOException {
        String owner = type.getName().replace('.', '/');
        Class<?> valueType = member instanceof Method ? ((Method) member).getReturnType() : ((Field) member).getType();
        String descriptor = member instanceof Method ? "()" + descriptor(valueType) : descriptor(valueType);

        ConstantPool pool = new ConstantPool();
        int thisClass = pool.classRef(owner + "$Kube9Read");
        int object = pool.classRef("java/lang/Object");
        int function = pool.classRef("java/util/function/Function");
        int objectInit = pool.memberRef(METHOD_REF, object, "<init>", "()V");
        int init = pool.utf8("<init>");
        int voidDescriptor = pool.utf8("()V");
        int apply = pool.utf8("apply");
        int applyDescriptor = pool.utf8("(Ljava/lang/Object;)Ljava/lang/Object;");
        int code = pool.utf8("Code");
        int ownerClass = pool.classRef(owner);
        int read = pool.memberRef(member instanceof Method ? METHOD_REF : FIELD_REF, ownerClass, member.getName(),
                descriptor);
        int box = valueType.isPrimitive() && valueType != void.class ? pool.box(valueType) : 0;

        ByteArrayOutputStream applyCode = new ByteArrayOutputStream();
        applyCode.write(0x2B); // aload_1
        applyCode.write(0xC0); // checkcast owner
        u2(applyCode, ownerClass);
        applyCode.write(member instanceof Method ? 0xB6 : 0xB4); // invokevirtual | getfield
        u2(applyCode, read);
        if (box != 0) {
            applyCode.write(0xB8); // invokestatic Box.valueOf
            u2(applyCode, box);
        }
        applyCode.write(0xB0); // areturn

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = header(out, pool);
        data.writeShort(0x0001 | 0x0010 | 0x0020); // public final super
        data.writeShort(thisClass);
        data.writeShort(object);
        data.writeShort(1);
        data.writeShort(function);
        data.writeShort(0); // fields
        data.writeShort(2); // methods
        method(data, PUBLIC, init, voidDescriptor, code, 1, 1, new byte[] {0x2A, (byte) 0xB7, hi(objectInit),
            lo(objectInit), (byte) 0xB1}); // aload_0, invokespecial Object.<init>, return
        method(data, PUBLIC, apply, applyDescriptor, code, 2, 2, applyCode.toByteArray());
        data.writeShort(0); // class attributes
        return out.toByteArray();
    }

    /**
     * {@code final class <name> { private static Lookup lookup() { return MethodHandles.lookup(); } }},
     * version 52, no constructor: never instantiated.
     */
    static byte[] anchorBytes(String internalName) throws IOException {
        ConstantPool pool = new ConstantPool();
        int thisClass = pool.classRef(internalName);
        int object = pool.classRef("java/lang/Object");
        int lookupName = pool.utf8("lookup");
        int lookupDescriptor = pool.utf8("()Ljava/lang/invoke/MethodHandles$Lookup;");
        int code = pool.utf8("Code");
        int lookup = pool.memberRef(METHOD_REF, pool.classRef("java/lang/invoke/MethodHandles"), "lookup",
                "()Ljava/lang/invoke/MethodHandles$Lookup;");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = header(out, pool);
        data.writeShort(0x0010 | 0x0020); // final super
        data.writeShort(thisClass);
        data.writeShort(object);
        data.writeShort(0); // interfaces
        data.writeShort(0); // fields
        data.writeShort(1); // methods
        method(data, PRIVATE_STATIC, lookupName, lookupDescriptor, code, 1, 0,
                new byte[] {(byte) 0xB8, hi(lookup), lo(lookup), (byte) 0xB0}); // invokestatic lookup, areturn
        data.writeShort(0); // class attributes
        return out.toByteArray();
    }

    /** A version 52 class file's start, up to its access flags: magic, version, constant pool. */
    private static DataOutputStream header(ByteArrayOutputStream out, ConstantPool pool) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(0xCAFEBABE);
        data.writeShort(0);
        data.writeShort(52);
        pool.writeTo(data);
        return data;
    }

    private static final int PUBLIC = 0x0001;
    private static final int PRIVATE_STATIC = 0x0002 | 0x0008;

    private static void method(DataOutputStream data, int access, int name, int descriptor, int code, int maxStack,
            int maxLocals, byte[] instructions) throws IOException {
        data.writeShort(access);
        data.writeShort(name);
        data.writeShort(descriptor);
        data.writeShort(1);
        data.writeShort(code);
        data.writeInt(2 + 2 + 4 + instructions.length + 2 + 2);
        data.writeShort(maxStack);
        data.writeShort(maxLocals);
        data.writeInt(instructions.length);
        data.write(instructions);
        data.writeShort(0); // exception table
        data.writeShort(0); // attributes
    }

    static String descriptor(Class<?> type) {
        if (type.isArray()) {
            return type.getName().replace('.', '/');
        }
        if (!type.isPrimitive()) {
            return "L" + type.getName().replace('.', '/') + ";";
        }
        if (type == long.class) {
            return "J";
        }
        if (type == boolean.class) {
            return "Z";
        }
        String name = type.getName(); // int, byte, char, short, float, double, void
        return String.valueOf(Character.toUpperCase(name.charAt(0)));
    }

    private static void u2(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value);
    }

    private static byte hi(int value) {
        return (byte) (value >>> 8);
    }

    private static byte lo(int value) {
        return (byte) value;
    }

    /** The constant pool, built as entries are asked for. */
    private static final class ConstantPool {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);
        private int count = 1;

        int utf8(String text) throws IOException {
            out.writeByte(UTF8);
            out.writeUTF(text);
            return count++;
        }

        int classRef(String internalName) throws IOException {
            int name = utf8(internalName);
            out.writeByte(CLASS);
            out.writeShort(name);
            return count++;
        }

        int memberRef(int tag, int owner, String name, String descriptor) throws IOException {
            int nameIndex = utf8(name);
            int descriptorIndex = utf8(descriptor);
            out.writeByte(NAME_AND_TYPE);
            out.writeShort(nameIndex);
            out.writeShort(descriptorIndex);
            int nameAndType = count++;
            out.writeByte(tag);
            out.writeShort(owner);
            out.writeShort(nameAndType);
            return count++;
        }

        /** {@code java.lang.Long.valueOf(J)Ljava/lang/Long;} and friends. */
        int box(Class<?> primitive) throws IOException {
            Class<?> boxed = Array.get(Array.newInstance(primitive, 1), 0).getClass();
            String internal = boxed.getName().replace('.', '/');
            return memberRef(METHOD_REF, classRef(internal), "valueOf",
                    "(" + descriptor(primitive) + ")L" + internal + ";");
        }

        void writeTo(DataOutputStream data) throws IOException {
            data.writeShort(count);
            bytes.writeTo(data);
        }
    }
}
