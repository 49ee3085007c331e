package io.kube9.agent.instrument;

import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Class files as compilers for Java 1.4 to 6 wrote them (no stack map frames; before Java 5 no
 * class constants), which javac here can no longer produce.
 */
final class OldClassFiles {
    private OldClassFiles() {}

    /**
     * A store with {@code append(Object)} (a branch, a field write) and a static projection
     * method {@code on(Object)}.
     */
    static byte[] store(String name, int version) {
        String internal = name.replace('.', '/');
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(version, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, internal, null, "java/lang/Object", null);
        writer.visitField(Opcodes.ACC_PUBLIC, "last", "Ljava/lang/Object;", null, null).visitEnd();

        MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        MethodVisitor append = writer.visitMethod(Opcodes.ACC_PUBLIC, "append", "(Ljava/lang/Object;)V", null, null);
        append.visitCode();
        Label skip = new Label();
        append.visitVarInsn(Opcodes.ALOAD, 1);
        append.visitJumpInsn(Opcodes.IFNULL, skip);
        append.visitVarInsn(Opcodes.ALOAD, 0);
        append.visitVarInsn(Opcodes.ALOAD, 1);
        append.visitFieldInsn(Opcodes.PUTFIELD, internal, "last", "Ljava/lang/Object;");
        append.visitLabel(skip);
        append.visitInsn(Opcodes.RETURN);
        append.visitMaxs(0, 0);
        append.visitEnd();

        MethodVisitor on = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "on", "(Ljava/lang/Object;)V",
                null, null);
        on.visitCode();
        on.visitInsn(Opcodes.RETURN);
        on.visitMaxs(0, 0);
        on.visitEnd();

        writer.visitEnd();
        return writer.toByteArray();
    }
}
