package io.kube9.agent.instrument;

import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/** A class file with methods at the JVM's limits of 65535 (code bytes, local slots, stack entries). */
final class LimitClassFiles {
    /** How often {@code appendEvents} adds one to its argument: 65,499 bytes of {@code iinc}. */
    static final int INCREMENTS = 21_833;

    private LimitClassFiles() {}

    /**
     * A store whose methods each return their argument: {@code save(Object)} with 65532 local
     * slots (the advice's fit above them), {@code append(Object)} with 65533 (they do not),
     * {@code store(Object)} with room for 65530 stack entries, and {@code appendEvents(Object, int)}
     * of 65,501 bytes of code.
     */
    static byte[] store(String name) {
        String internal = name.replace('.', '/');
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, internal, null, "java/lang/Object", null);

        MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(1, 1);
        init.visitEnd();

        returnsItsArgumentThroughTheLastSlot(writer, "save", 65_532);
        returnsItsArgumentThroughTheLastSlot(writer, "append", 65_533);

        MethodVisitor store = writer.visitMethod(Opcodes.ACC_PUBLIC, "store", "(Ljava/lang/Object;)Ljava/lang/Object;",
                null, null);
        store.visitCode();
        store.visitVarInsn(Opcodes.ALOAD, 1);
        store.visitInsn(Opcodes.ARETURN);
        store.visitMaxs(65_530, 2);
        store.visitEnd();

        MethodVisitor appendEvents = writer.visitMethod(Opcodes.ACC_PUBLIC, "appendEvents", "(Ljava/lang/Object;I)I",
                null, null);
        appendEvents.visitCode();
        for (int i = 0; i < INCREMENTS; i++) {
            appendEvents.visitIincInsn(2, 1);
        }
        appendEvents.visitVarInsn(Opcodes.ILOAD, 2);
        appendEvents.visitInsn(Opcodes.IRETURN);
        appendEvents.visitMaxs(1, 3);
        appendEvents.visitEnd();

        writer.visitEnd();
        return writer.toByteArray();
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
