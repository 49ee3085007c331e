package io.kube9.agent.instrument;

import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Class files with methods at the JVM's limits of 65535 (code bytes, local slots, stack entries)
 * and at the JIT's of 8000 code bytes.
 */
final class LimitClassFiles {
    /** How often {@code appendEvents} adds one to its argument: 65,499 bytes of {@code iinc}. */
    static final int INCREMENTS = 21_833;

    private LimitClassFiles() {}

    /**
     * A store whose methods each return their argument: {@code save(Object)} with 65531 local
     * slots (the advice's four fit above them), {@code append(Object)} with 65532 (they do not),
     * {@code store(Object)} with room for 65530 stack entries, and {@code appendEvents(Object, int)}
     * of 65,501 bytes of code.
     */
    static byte[] store(String name) {
        String internal = name.replace('.', '/');
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, internal, null, "java/lang/Object", null);
        constructor(writer);

        returnsItsArgumentThroughTheLastSlot(writer, "save", 65_531);
        returnsItsArgumentThroughTheLastSlot(writer, "append", 65_532);

        MethodVisitor store = writer.visitMethod(Opcodes.ACC_PUBLIC, "store", "(Ljava/lang/Object;)Ljava/lang/Object;",
                null, null);
        store.visitCode();
        store.visitVarInsn(Opcodes.ALOAD, 1);
        store.visitInsn(Opcodes.ARETURN);
        store.visitMaxs(65_530, 2);
        store.visitEnd();

        addsOneToItsArgument(writer, "appendEvents", INCREMENTS);
        writer.visitEnd();
        return writer.toByteArray();
    }

    /**
     * A store whose {@code (Object, int)int} methods return their second argument plus the number
     * of {@code iinc} they have: {@code append} of 7,991 bytes of code (HotSpot compiles methods
     * of up to 8,000), {@code save} of 8,101 (it never does) and {@code store} of 5.
     */
    static byte[] compiledStore(String name) {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name.replace('.', '/'), null,
                "java/lang/Object", null);
        constructor(writer);
        addsOneToItsArgument(writer, "append", 2_663);
        addsOneToItsArgument(writer, "save", 2_700);
        addsOneToItsArgument(writer, "store", 1);
        writer.visitEnd();
        return writer.toByteArray();
    }

    private static void constructor(ClassWriter writer) {
        MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(1, 1);
        init.visitEnd();
    }

    /** {@code count} times {@code iinc}: three bytes each, and two to return. */
    private static void addsOneToItsArgument(ClassWriter writer, String name, int count) {
        MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC, name, "(Ljava/lang/Object;I)I", null, null);
        method.visitCode();
        for (int i = 0; i < count; i++) {
            method.visitIincInsn(2, 1);
        }
        method.visitVarInsn(Opcodes.ILOAD, 2);
        method.visitInsn(Opcodes.IRETURN);
        method.visitMaxs(1, 3);
        method.visitEnd();
    }

    private static void returnsItsArgumentThroughTheLastSlot(ClassWriter writer, String name, int maxLocals) {
        MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC, name, "(Ljava/lang/Object;)Ljava/lang/Object;",
                null, null);
        method.visitCode();
        method.visitVarInsn(Opcodes.ALOAD, 1);
        method.visitVarInsn(Opcodes.ASTORE, maxLocals - 1);
        method.visitVarInsn(Opcodes.ALOAD, maxLocals - 1);
        method.visitInsn(Opcodes.ARETURN);
        method.visitMaxs(1, maxLocals);
        method.visitEnd();
    }
}
